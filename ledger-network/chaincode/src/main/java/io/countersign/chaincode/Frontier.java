package io.countersign.chaincode;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFC 9162 Merkle tree of the anchored entries, kept as its frontier: the roots of the perfect subtrees that make
 * up a tree of {@code size} leaves, largest first. Appending a leaf merges the subtrees its arrival completes; the
 * root folds the frontier from the right. Leaves are entry hashes: leaf hash = H(0x00 || entry hash), node =
 * H(0x01 || left || right).
 */
final class Frontier {

    private final List<byte[]> roots;
    private long size;

    Frontier(long size, List<byte[]> roots) {
        if (Long.bitCount(size) != roots.size()) {
            throw new IllegalStateException("a frontier of size " + size + " has " + Long.bitCount(size)
                    + " subtrees, not " + roots.size());
        }
        this.size = size;
        this.roots = new ArrayList<>(roots);
    }

    static Frontier empty() {
        return new Frontier(0, List.of());
    }

    long size() {
        return size;
    }

    List<byte[]> roots() {
        return List.copyOf(roots);
    }

    void appendEntryHash(MessageDigest sha256, byte[] hashes, int offset) {
        sha256.update((byte) 0x00);
        sha256.update(hashes, offset, 32);
        byte[] hash = sha256.digest();
        for (long completed = size; (completed & 1) == 1; completed >>>= 1) {
            hash = node(sha256, roots.remove(roots.size() - 1), hash);
        }
        roots.add(hash);
        size++;
    }

    byte[] root(MessageDigest sha256) {
        if (roots.isEmpty()) {
            return sha256.digest();
        }
        byte[] hash = roots.get(roots.size() - 1);
        for (int i = roots.size() - 2; i >= 0; i--) {
            hash = node(sha256, roots.get(i), hash);
        }
        return hash;
    }

    private static byte[] node(MessageDigest sha256, byte[] left, byte[] right) {
        sha256.update((byte) 0x01);
        sha256.update(left);
        sha256.update(right);
        return sha256.digest();
    }
}
