package io.countersign.verify;

import java.util.List;

/**
 * What RFC 9162's algorithms take for granted about their inputs: unsigned indices and sizes, and hashes of the
 * hash function's length. The evidence is untrusted, so the verifier checks them before any arithmetic on them.
 */
final class ProofInputs {
    static final int HASH_LENGTH = 32;

    private ProofInputs() {
    }

    static String inclusionProblem(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path, byte[] root) {
        String problem = unsignedProblem("leaf index", leafIndex);
        if (problem == null) {
            problem = unsignedProblem("tree size", treeSize);
        }
        if (problem == null) {
            problem = hashProblem("leaf hash", leafHash);
        }
        if (problem == null) {
            problem = hashProblem("root", root);
        }
        return problem != null ? problem : pathProblem(path);
    }

    static String consistencyProblem(long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> path) {
        String problem = unsignedProblem("fromSize", first);
        if (problem == null) {
            problem = unsignedProblem("toSize", second);
        }
        if (problem == null) {
            problem = hashProblem("first root", firstRoot);
        }
        if (problem == null) {
            problem = hashProblem("second root", secondRoot);
        }
        return problem != null ? problem : pathProblem(path);
    }

    /**
     * Java has no unsigned long: a negative value here is either negative or an RFC 9162 uint64 of 2^63 or more read
     * without its sign. Neither names a leaf of a real log, and the algorithms' shifts would run on its sign bit.
     */
    private static String unsignedProblem(String name, long value) {
        return value < 0 ? name + " " + value + " is negative: RFC 9162 indices and sizes are unsigned" : null;
    }

    private static String hashProblem(String name, byte[] hash) {
        if (hash == null) {
            return "the " + name + " is missing";
        }
        return hash.length == HASH_LENGTH ? null
                : "the " + name + " has " + hash.length + " bytes, not the " + HASH_LENGTH + " of a SHA-256 hash";
    }

    private static String pathProblem(List<byte[]> path) {
        if (path == null) {
            return "the path is missing";
        }
        for (int i = 0; i < path.size(); i++) {
            byte[] node = path.get(i);
            if (node == null || node.length != HASH_LENGTH) {
                return hashProblem("path node " + i, node);
            }
        }
        return null;
    }
}
