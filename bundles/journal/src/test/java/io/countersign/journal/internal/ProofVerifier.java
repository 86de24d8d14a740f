package io.countersign.journal.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** RFC 9162 §2.1.3.2 and §2.1.4.2 verification, step by step, plus the edge cases of docs/evidence-format.md §4. */
final class ProofVerifier {

    private ProofVerifier() {
    }

    /** §2.1.3.2: does {@code path} prove that {@code leafHash} is leaf {@code index} of the tree with {@code root}? */
    static boolean verifyInclusion(long index, long treeSize, byte[] leafHash, List<byte[]> path, byte[] root) {
        if (index >= treeSize) {
            return false;
        }
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = ReferenceTree.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = ReferenceTree.nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /** §2.1.4.2: does {@code path} prove the tree of {@code first} leaves a prefix of the one of {@code second}? */
    static boolean verifyConsistency(long first, long second, byte[] firstHash, byte[] secondHash,
                                     List<byte[]> path) {
        if (first > second) {
            return false;
        }
        if (first == second) {
            return path.isEmpty() && Arrays.equals(firstHash, secondHash);
        }
        if (first == 0) {
            return path.isEmpty();
        }
        if (path.isEmpty()) {
            return false;
        }
        List<byte[]> c = new ArrayList<>(path);
        if (Long.bitCount(first) == 1) {
            c.add(0, firstHash);
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = c.get(0);
        byte[] sr = c.get(0);
        for (byte[] value : c.subList(1, c.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = ReferenceTree.nodeHash(value, fr);
                sr = ReferenceTree.nodeHash(value, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = ReferenceTree.nodeHash(sr, value);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return Arrays.equals(fr, firstHash) && Arrays.equals(sr, secondHash) && sn == 0;
    }
}
