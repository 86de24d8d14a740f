package io.countersign.audit.fabric.internal;

import io.countersign.api.LogKey;
import io.countersign.api.Signature;
import io.countersign.api.SigningKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Keys that only list themselves: the fake chaincode checks which key signed a note, not the signature. */
final class FakeKeys implements SigningKeys {

    private final String origin;
    private final List<LogKey> keys = new ArrayList<>();
    private Instant now = Instant.parse("2026-11-22T10:00:00Z");

    FakeKeys(String origin) {
        this.origin = origin;
        keys.add(newKey());
    }

    private LogKey newKey() {
        byte[] publicKey = new byte[32];
        publicKey[0] = (byte) keys.size();
        return new LogKey(HexFormat.of().formatHex(new byte[] {0x1a, 0x2b, 0x3c, (byte) keys.size()}), origin,
                publicKey, now, null);
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public synchronized LogKey current() {
        return keys.get(keys.size() - 1);
    }

    @Override
    public synchronized List<LogKey> keys() {
        return List.copyOf(keys);
    }

    @Override
    public synchronized LogKey rotate() {
        now = now.plusSeconds(60);
        LogKey old = current();
        keys.set(keys.size() - 1, new LogKey(old.keyId(), old.name(), old.publicKey(), old.createdAt(), now));
        keys.add(newKey());
        return current();
    }

    @Override
    public Signature sign(byte[] message) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Signature sign(String keyId, byte[] message) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean verify(String keyId, byte[] message, byte[] signature) {
        throw new UnsupportedOperationException();
    }
}
