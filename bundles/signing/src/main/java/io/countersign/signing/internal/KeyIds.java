package io.countersign.signing.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** Key ids as C2SP signed notes define them (docs/evidence-format.md §2). */
final class KeyIds {

    /** The signed-note signature type byte of Ed25519. */
    private static final byte ED25519 = 0x01;

    private KeyIds() {
    }

    /** The 4-byte key hash: the first bytes of SHA-256(name || '\n' || 0x01 || public key). */
    static byte[] keyHash(String name, byte[] publicKey) {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(name.getBytes(StandardCharsets.UTF_8));
        input.write('\n');
        input.write(ED25519);
        input.writeBytes(publicKey);
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(input.toByteArray()), 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String keyId(String name, byte[] publicKey) {
        return HexFormat.of().formatHex(keyHash(name, publicKey));
    }
}
