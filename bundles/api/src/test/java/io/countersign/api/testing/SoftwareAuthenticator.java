package io.countersign.api.testing;

import io.countersign.api.Passkey;
import io.countersign.api.StepUp;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;

/**
 * A WebAuthn authenticator in software, for tests: an ES256 (P-256) credential whose assertions are built exactly as
 * WebAuthn Level 2 §6.1 and §5.8.1 say (authenticator data, client data JSON, a DER ECDSA signature over
 * {@code authenticatorData || SHA-256(clientDataJSON)}), with a signature counter that moves on by one each time.
 */
public final class SoftwareAuthenticator {

    public static final int USER_PRESENT = 0x01;
    public static final int USER_VERIFIED = 0x04;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final String rpId;
    private final String origin;
    private final KeyPair keys;
    private final byte[] credentialId = new byte[16];
    private long signCount;

    public SoftwareAuthenticator(String rpId, String origin) {
        this.rpId = rpId;
        this.origin = origin;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        new SecureRandom().nextBytes(credentialId);
    }

    public String credentialId() {
        return B64.encodeToString(credentialId);
    }

    /** The credential's public key as a COSE_Key: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}. */
    public byte[] coseKey() {
        ECPublicKey key = (ECPublicKey) keys.getPublic();
        ByteArrayOutputStream cbor = new ByteArrayOutputStream();
        cbor.writeBytes(new byte[] {(byte) 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20});
        cbor.writeBytes(unsigned32(key.getW().getAffineX()));
        cbor.writeBytes(new byte[] {0x22, 0x58, 0x20});
        cbor.writeBytes(unsigned32(key.getW().getAffineY()));
        return cbor.toByteArray();
    }

    /** The passkey as the console registers it for {@code reviewer}. */
    public Passkey passkey(String reviewer, String name, Instant at) {
        return new Passkey(reviewer, name, credentialId(), B64.encodeToString(coseKey()), Passkey.ES256,
                "00000000-0000-0000-0000-000000000000", rpId, origin, 0, at);
    }

    /** An assertion over {@code challenge}, user present and verified, from the registered origin. */
    public StepUp.Assertion assertion(byte[] challenge) {
        return assertion(challenge, USER_PRESENT | USER_VERIFIED, "webauthn.get", origin);
    }

    /** An assertion with these flags, client data type and origin: the ways a real one can be wrong. */
    public StepUp.Assertion assertion(byte[] challenge, int flags, String type, String clientOrigin) {
        signCount++;
        try {
            ByteBuffer authenticatorData = ByteBuffer.allocate(37);
            authenticatorData.put(MessageDigest.getInstance("SHA-256").digest(rpId.getBytes(StandardCharsets.UTF_8)));
            authenticatorData.put((byte) flags);
            authenticatorData.putInt((int) signCount);
            byte[] clientData = ("{\"type\":\"" + type + "\",\"challenge\":\"" + B64.encodeToString(challenge)
                    + "\",\"origin\":\"" + clientOrigin + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(authenticatorData.array());
            signer.update(MessageDigest.getInstance("SHA-256").digest(clientData));
            return new StepUp.Assertion(credentialId(), B64.encodeToString(authenticatorData.array()),
                    B64.encodeToString(clientData), B64.encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A registration response (attestation format {@code none}) as a browser returns it from create(). */
    public record Registration(String clientDataJson, String attestationObject) {
    }

    /** Registers this credential: user present and verified, from the registered origin. */
    public Registration registration(byte[] challenge) {
        return registration(challenge, USER_PRESENT | USER_VERIFIED, origin);
    }

    /** A registration with these flags (the attested-credential flag is added) from {@code clientOrigin}. */
    public Registration registration(byte[] challenge, int flags, String clientOrigin) {
        try {
            ByteArrayOutputStream authenticatorData = new ByteArrayOutputStream();
            authenticatorData.writeBytes(MessageDigest.getInstance("SHA-256")
                    .digest(rpId.getBytes(StandardCharsets.UTF_8)));
            authenticatorData.write(flags | 0x40);
            authenticatorData.writeBytes(new byte[] {0, 0, 0, 0});
            authenticatorData.writeBytes(new byte[16]);
            authenticatorData.write(0);
            authenticatorData.write(credentialId.length);
            authenticatorData.writeBytes(credentialId);
            authenticatorData.writeBytes(coseKey());
            byte[] authData = authenticatorData.toByteArray();
            ByteArrayOutputStream cbor = new ByteArrayOutputStream();
            // {"fmt": "none", "attStmt": {}, "authData": h'...'}
            cbor.write(0xa3);
            cbor.write(0x63);
            cbor.writeBytes("fmt".getBytes(StandardCharsets.US_ASCII));
            cbor.write(0x64);
            cbor.writeBytes("none".getBytes(StandardCharsets.US_ASCII));
            cbor.write(0x67);
            cbor.writeBytes("attStmt".getBytes(StandardCharsets.US_ASCII));
            cbor.write(0xa0);
            cbor.write(0x68);
            cbor.writeBytes("authData".getBytes(StandardCharsets.US_ASCII));
            cbor.write(0x59);
            cbor.write(authData.length >> 8);
            cbor.write(authData.length & 0xff);
            cbor.writeBytes(authData);
            byte[] clientData = ("{\"type\":\"webauthn.create\",\"challenge\":\"" + B64.encodeToString(challenge)
                    + "\",\"origin\":\"" + clientOrigin + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
            return new Registration(B64.encodeToString(clientData), B64.encodeToString(cbor.toByteArray()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets the counter the next assertion counts on from, as a cloned authenticator would. */
    public void rewindCounter(long to) {
        signCount = to;
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }
}
