package io.countersign.audit.fabric.internal;

/**
 * One anchored segment as Fabric stores it (docs/evidence-format.md §9.1): the entries {@code from <= seq < to}.
 *
 * @param entryHashes the concatenated 32-byte entry hashes
 * @param root the tree hash at {@code to}
 */
record AnchoredSegment(long from, long to, byte[] entryHashes, String checkpoint, byte[] root, String txId,
                       String mspId) {
}
