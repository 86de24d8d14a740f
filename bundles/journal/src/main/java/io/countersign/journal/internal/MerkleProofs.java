package io.countersign.journal.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * RFC 9162 §2.1.3.1 PATH and §2.1.4.1 PROOF, unrolled from the RFC's recursion into loops over the subtrees it
 * visits. Every subtree asked of {@link Subtrees} is one the RFC's split reaches: complete and aligned, or ending at
 * the right edge of the tree.
 */
final class MerkleProofs {

    /** {@code MTH(D[start:end])} of the tree the proof is about. */
    @FunctionalInterface
    interface Subtrees {
        byte[] hash(long start, long end);
    }

    private MerkleProofs() {
    }

    /**
     * The root that {@code leaf} at {@code index} and its inclusion {@code path} in a tree of {@code size} lead to
     * (RFC 9162 §2.1.3.2), or null if the path has the wrong length.
     */
    static byte[] rootFromInclusion(TreeHasher hasher, byte[] leaf, long index, long size, List<byte[]> path) {
        long fn = index;
        long sn = size - 1;
        byte[] hash = leaf;
        for (byte[] sibling : path) {
            if (sn == 0) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                hash = hasher.node(sibling, hash);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                hash = hasher.node(hash, sibling);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 ? hash : null;
    }

    /** {@code PATH(index, D[0:size])} for {@code 0 <= index < size}. */
    static List<byte[]> inclusion(Subtrees tree, long index, long size) {
        List<byte[]> path = new ArrayList<>(Long.SIZE);
        long start = 0;
        long end = size;
        while (end - start > 1) {
            long split = start + largestPowerOfTwoBelow(end - start);
            if (index < split) {
                path.add(tree.hash(split, end));
                end = split;
            } else {
                path.add(tree.hash(start, split));
                start = split;
            }
        }
        // The RFC appends each level's sibling after the path below it: leaf level first.
        Collections.reverse(path);
        return path;
    }

    /** {@code PROOF(from, D[0:to])} for {@code 0 <= from <= to}; empty when {@code from} is 0 or {@code to}. */
    static List<byte[]> consistency(Subtrees tree, long from, long to) {
        List<byte[]> proof = new ArrayList<>(Long.SIZE);
        if (from == 0 || from == to) {
            return proof;
        }
        long start = 0;
        long end = to;
        while (from != end) {
            long split = start + largestPowerOfTwoBelow(end - start);
            if (from <= split) {
                proof.add(tree.hash(split, end));
                end = split;
            } else {
                proof.add(tree.hash(start, split));
                start = split;
            }
        }
        // The RFC's b: a subtree starting at 0 is the old tree itself, whose root the verifier already has.
        if (start != 0) {
            proof.add(tree.hash(start, end));
        }
        Collections.reverse(proof);
        return proof;
    }

    /** The RFC's k: the largest power of two smaller than {@code n}, for {@code n >= 2}. */
    private static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }
}
