package io.countersign.api;

import java.time.Instant;

/**
 * A public signing key of the log.
 *
 * @param keyId hex of the 4-byte C2SP signed-note key hash of {@code name} and {@code publicKey}
 * @param name the key name in signed notes: the log origin
 * @param publicKey the 32-byte Ed25519 public key
 * @param createdAt when it became current, in whole seconds rounded down
 * @param retiredAt when a newer key replaced it, in whole seconds rounded up, or {@code null} for the current key
 */
public record LogKey(String keyId, String name, byte[] publicKey, Instant createdAt, Instant retiredAt) {
    public LogKey {
        publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * Whether this key may have signed at {@code time}: from {@code createdAt} to {@code retiredAt}, both included.
     * The rounding lets a grant's whole-second {@code iat} fall inside; around a rotation both keys are valid for
     * under a second.
     */
    public boolean wasCurrentAt(Instant time) {
        return !time.isBefore(createdAt) && (retiredAt == null || !time.isAfter(retiredAt));
    }
}
