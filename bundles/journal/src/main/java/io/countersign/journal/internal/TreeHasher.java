package io.countersign.journal.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** RFC 9162 §2.1.1 hashing: leaf hashes of entry hashes and interior node hashes; one instance per thread. */
final class TreeHasher {

    static final int HASH_BYTES = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final ThreadLocal<TreeHasher> PER_THREAD = ThreadLocal.withInitial(TreeHasher::new);

    private final MessageDigest sha256;

    TreeHasher() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The calling thread's hasher, for readers that come and go on pooled threads. */
    static TreeHasher forThisThread() {
        return PER_THREAD.get();
    }

    /** {@code MTH({})}: the hash of the empty tree. */
    byte[] emptyRoot() {
        return sha256.digest();
    }

    /** The leaf hash of a journal entry: {@code SHA-256(0x00 || entryHash)}. */
    byte[] leaf(byte[] entryHash) {
        sha256.update(LEAF_PREFIX);
        return sha256.digest(entryHash);
    }

    /** An interior node: {@code SHA-256(0x01 || left || right)}. */
    byte[] node(byte[] left, byte[] right) {
        sha256.update(NODE_PREFIX);
        sha256.update(left);
        return sha256.digest(right);
    }
}
