package io.countersign.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** An Ed25519 log key on the test side: signs notes and lists itself as keys.json does. */
final class TestKey {
    final String name;
    final Ed25519PrivateKeyParameters privateKey;
    final byte[] publicKey;
    String createdAt = "2026-11-01T00:00:00Z";
    String retiredAt;

    TestKey(String name, int seed) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) seed);
        this.name = name;
        this.privateKey = new Ed25519PrivateKeyParameters(secret, 0);
        this.publicKey = privateKey.generatePublicKey().getEncoded();
    }

    byte[] keyHash() {
        MessageDigest sha = Digests.newSha256();
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update(new byte[] {'\n', 0x01});
        sha.update(publicKey);
        return Arrays.copyOf(sha.digest(), 4);
    }

    String keyId() {
        return HexFormat.of().formatHex(keyHash());
    }

    byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** A C2SP signed note of {@code text} (which ends in a newline) with this key's signature line. */
    String signNote(String text) {
        byte[] signature = sign(text.getBytes(StandardCharsets.UTF_8));
        byte[] blob = new byte[4 + signature.length];
        System.arraycopy(keyHash(), 0, blob, 0, 4);
        System.arraycopy(signature, 0, blob, 4, signature.length);
        return text + "\n\u2014 " + name + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    }

    Map<String, Object> listing() {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("keyId", keyId());
        key.put("name", name);
        key.put("algorithm", "Ed25519");
        key.put("publicKey", Base64.getEncoder().encodeToString(publicKey));
        key.put("createdAt", createdAt);
        key.put("retiredAt", retiredAt);
        return key;
    }
}
