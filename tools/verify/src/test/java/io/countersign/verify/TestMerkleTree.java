package io.countersign.verify;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** RFC 9162 §2.1 by its recursive definitions (MTH, PATH, PROOF), over entry hashes as leaf inputs. */
final class TestMerkleTree {
    private final List<byte[]> leafHashes = new ArrayList<>();

    /** A tree of {@code count} leaves whose entry hashes are H(i) for i = 0 … count − 1. */
    static TestMerkleTree withLeaves(int count) {
        TestMerkleTree tree = new TestMerkleTree();
        for (int i = 0; i < count; i++) {
            tree.add(hash(new byte[] {(byte) i}));
        }
        return tree;
    }

    void add(byte[] entryHash) {
        leafHashes.add(hash(new byte[] {0x00}, entryHash));
    }

    byte[] leafHash(int index) {
        return leafHashes.get(index);
    }

    int size() {
        return leafHashes.size();
    }

    /** Replaces a leaf, to build a forked history. */
    void replace(int index, byte[] entryHash) {
        leafHashes.set(index, hash(new byte[] {0x00}, entryHash));
    }

    TestMerkleTree copy() {
        TestMerkleTree copy = new TestMerkleTree();
        copy.leafHashes.addAll(leafHashes);
        return copy;
    }

    byte[] root(int size) {
        return mth(0, size);
    }

    List<byte[]> inclusion(int leaf, int size) {
        List<byte[]> path = new ArrayList<>();
        path(leaf, 0, size, path);
        return path;
    }

    List<byte[]> consistency(int from, int to) {
        List<byte[]> proof = new ArrayList<>();
        if (from > 0 && from < to) {
            subproof(from, 0, to, true, proof);
        }
        return proof;
    }

    private byte[] mth(int lo, int hi) {
        int n = hi - lo;
        if (n == 0) {
            return hash(new byte[0]);
        }
        if (n == 1) {
            return leafHashes.get(lo);
        }
        int k = largestPowerOfTwoBelow(n);
        return hash(new byte[] {0x01}, mth(lo, lo + k), mth(lo + k, hi));
    }

    private void path(int m, int lo, int hi, List<byte[]> out) {
        int n = hi - lo;
        if (n <= 1) {
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, lo, lo + k, out);
            out.add(mth(lo + k, hi));
        } else {
            path(m - k, lo + k, hi, out);
            out.add(mth(lo, lo + k));
        }
    }

    private void subproof(int m, int lo, int hi, boolean whole, List<byte[]> out) {
        int n = hi - lo;
        if (m == n) {
            if (!whole) {
                out.add(mth(lo, hi));
            }
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, lo, lo + k, whole, out);
            out.add(mth(lo + k, hi));
        } else {
            subproof(m - k, lo + k, hi, false, out);
            out.add(mth(lo, lo + k));
        }
    }

    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    static byte[] hash(byte[]... parts) {
        MessageDigest sha = Digests.newSha256();
        for (byte[] part : parts) {
            sha.update(part);
        }
        return sha.digest();
    }
}
