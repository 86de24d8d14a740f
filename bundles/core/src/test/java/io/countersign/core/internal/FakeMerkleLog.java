package io.countersign.core.internal;

import io.countersign.api.MerkleLog;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A journal of which only the size and roots matter: root(n) is a hash of n and the "history" of the first n
 * entries, which {@link #rewriteFrom} changes the way replacing the journal from some seq would.
 */
final class FakeMerkleLog implements MerkleLog {

    private volatile long size;
    private volatile long rewrittenFrom = Long.MAX_VALUE;

    FakeMerkleLog(long size) {
        this.size = size;
    }

    void grow(long newSize) {
        size = Math.max(size, newSize);
    }

    /** Roots of sizes above seq now differ from before, as for another journal sharing the first seq entries. */
    void rewriteFrom(long seq) {
        rewrittenFrom = seq;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] root(long treeSize) {
        if (treeSize > size) {
            throw new IllegalArgumentException("size " + treeSize + " > " + size);
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(ByteBuffer.allocate(9).putLong(treeSize).put((byte) (treeSize > rewrittenFrom ? 1 : 0))
                .array());
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public byte[] leafHash(long index) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<byte[]> inclusionProof(long index, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<byte[]> consistencyProof(long fromSize, long toSize) {
        throw new UnsupportedOperationException();
    }
}
