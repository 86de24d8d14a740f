package io.countersign.audit.fabric.internal;

/**
 * The head of an origin on Fabric (docs/evidence-format.md §9.1).
 *
 * @param root the tree hash at {@code size}, {@code null} when nothing is anchored
 * @param txId the transaction that anchored up to {@code size}, {@code null} when nothing is anchored
 */
record AnchorHead(long size, byte[] root, String txId) {

    static AnchorHead empty() {
        return new AnchorHead(0, null, null);
    }
}
