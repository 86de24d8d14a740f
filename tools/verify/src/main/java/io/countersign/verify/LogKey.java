package io.countersign.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * One signing key of a log (§3), valid from {@code createdAtNanos} to {@code retiredAtNanos}, both included;
 * {@code retiredAtNanos} is null for the current key.
 *
 * @param keyHash the C2SP signed-note key hash, the first 4 bytes of H(name ‖ 0x0A ‖ 0x01 ‖ public key)
 */
record LogKey(String name, byte[] publicKey, Ed25519PublicKeyParameters verifier, byte[] keyHash, long createdAtNanos,
              Long retiredAtNanos) {
    static final int ED25519_ALGORITHM = 0x01;

    static LogKey of(String name, byte[] publicKey, long createdAtNanos, Long retiredAtNanos) {
        return new LogKey(name, publicKey.clone(), new Ed25519PublicKeyParameters(publicKey, 0),
                keyHash(name, publicKey), createdAtNanos, retiredAtNanos);
    }

    static byte[] keyHash(String name, byte[] publicKey) {
        MessageDigest sha = Digests.sha256();
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        sha.update((byte) ED25519_ALGORITHM);
        sha.update(publicKey);
        return Arrays.copyOf(sha.digest(), 4);
    }

    /** The key id of {@code keys.json} and the API: hex of the key hash. */
    String keyId() {
        return Digests.hex(keyHash);
    }

    boolean createdAfter(long nanos) {
        return nanos < createdAtNanos;
    }

    boolean retiredBefore(long nanos) {
        return retiredAtNanos != null && nanos > retiredAtNanos;
    }

    boolean samePublicKey(LogKey other) {
        return Arrays.equals(publicKey, other.publicKey);
    }
}
