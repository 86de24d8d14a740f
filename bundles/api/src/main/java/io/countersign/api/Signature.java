package io.countersign.api;

/** An Ed25519 signature and the id of the key that made it. */
public record Signature(String keyId, byte[] value) {
    public Signature {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }
}
