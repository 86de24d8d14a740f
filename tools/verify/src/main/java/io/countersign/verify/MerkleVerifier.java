package io.countersign.verify;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.List;

/**
 * RFC 9162 §2.1.3.2 and §2.1.4.2 proof verification. Each method returns null when the proof holds, else
 * why it does not, whatever its arguments ({@link ProofInputs} checks them first). One instance per thread: it
 * reuses its digest and buffer, which is what makes it fast.
 */
final class MerkleVerifier {
    private static final byte LEAF = 0x00;
    private static final byte NODE = 0x01;

    private final MessageDigest sha = Digests.newSha256();
    private final byte[] buffer = new byte[1 + 2 * ProofInputs.HASH_LENGTH];

    /** The leaf hash of an entry: its 32-byte entry hash is the leaf input, so H(0x00 ‖ E). */
    byte[] leafHash(byte[] entryHash) {
        sha.reset();
        sha.update(LEAF);
        sha.update(entryHash);
        return sha.digest();
    }

    String inclusionProblem(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path, byte[] root) {
        String input = ProofInputs.inclusionProblem(leafIndex, treeSize, leafHash, path, root);
        if (input != null) {
            return input;
        }
        if (leafIndex >= treeSize) {
            return "leaf index " + leafIndex + " is not below the tree size " + treeSize;
        }
        int needed = inclusionPathLength(leafIndex, treeSize);
        if (path.size() != needed) {
            return "the path has " + path.size() + " nodes but leaf " + leafIndex + " of a tree of size " + treeSize
                    + " needs " + needed;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash.clone();
        for (byte[] p : path) {
            if ((fn & 1) == 1 || fn == sn) {
                hashChildren(p, r, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                hashChildren(r, p, r);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (!MessageDigest.isEqual(r, root)) {
            return "the proof leads to root " + Encodings.toBase64(r) + ", not to the checkpoint's root "
                    + Encodings.toBase64(root);
        }
        return null;
    }

    String consistencyProblem(long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> path) {
        String input = ProofInputs.consistencyProblem(first, second, firstRoot, secondRoot, path);
        if (input != null) {
            return input;
        }
        if (first > second) {
            return "fromSize " + first + " is larger than toSize " + second;
        }
        if (first == second) {
            if (!path.isEmpty()) {
                return "a proof between equal sizes must have an empty path";
            }
            return MessageDigest.isEqual(firstRoot, secondRoot) ? null : "two different roots for size " + first;
        }
        if (first == 0) {
            return path.isEmpty() ? null : "a proof from size 0 must have an empty path";
        }
        boolean firstIsPowerOfTwo = Long.bitCount(first) == 1;
        int needed = consistencyPathLength(first, second) - (firstIsPowerOfTwo ? 1 : 0);
        if (path.size() != needed) {
            return "the path has " + path.size() + " nodes but a proof from size " + first + " to " + second
                    + " needs " + needed;
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        // a power-of-two first tree is a complete subtree whose root the proof leaves out
        byte[] seed = firstIsPowerOfTwo ? firstRoot : path.get(0);
        byte[] fr = seed.clone();
        byte[] sr = seed.clone();
        for (byte[] c : path.subList(firstIsPowerOfTwo ? 0 : 1, path.size())) {
            if ((fn & 1) == 1 || fn == sn) {
                hashChildren(c, fr, fr);
                hashChildren(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                hashChildren(sr, c, sr);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (!MessageDigest.isEqual(fr, firstRoot)) {
            return "the proof does not lead to the root of size " + first;
        }
        if (!MessageDigest.isEqual(sr, secondRoot)) {
            return "the proof does not lead to the root of size " + second;
        }
        return null;
    }

    /** How many path nodes the §2.1.3.2 loop consumes before {@code sn} reaches 0. */
    static int inclusionPathLength(long leafIndex, long treeSize) {
        long fn = leafIndex;
        long sn = treeSize - 1;
        int count = 0;
        while (sn != 0) {
            if ((fn & 1) == 0 && fn == sn) {
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            fn >>= 1;
            sn >>= 1;
            count++;
        }
        return count;
    }

    /** How many nodes the §2.1.4.2 algorithm reads, counting the first root it prepends for a power of two. */
    static int consistencyPathLength(long first, long second) {
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        int count = 1;
        while (sn != 0) {
            if ((fn & 1) == 0 && fn == sn) {
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            fn >>= 1;
            sn >>= 1;
            count++;
        }
        return count;
    }

    private void hashChildren(byte[] left, byte[] right, byte[] out) {
        buffer[0] = NODE;
        System.arraycopy(left, 0, buffer, 1, 32);
        System.arraycopy(right, 0, buffer, 33, 32);
        sha.reset();
        sha.update(buffer, 0, buffer.length);
        try {
            sha.digest(out, 0, 32);
        } catch (DigestException e) {
            throw new IllegalStateException("a 32-byte buffer holds a SHA-256 digest", e);
        }
    }
}
