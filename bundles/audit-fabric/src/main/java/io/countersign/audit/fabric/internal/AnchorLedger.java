package io.countersign.audit.fabric.internal;

/**
 * The {@code anchors} chaincode as the anchorer uses it (docs/evidence-format.md §9.2), behind an interface so that
 * the anchoring rules are tested against an in-process fake. Every call may throw {@link FabricException}.
 */
interface AnchorLedger extends AutoCloseable {

    /** {@code Head}: what is anchored of {@code origin}; size 0 before anything is. */
    AnchorHead head(String origin) throws FabricException;

    /** {@code SegmentOf}: the anchored segment holding entry {@code seq}. */
    AnchoredSegment segmentOf(String origin, long seq) throws FabricException;

    /** {@code Keys}: the §3 key listing registered for {@code origin} (no keys before any are registered). */
    String keys(String origin) throws FabricException;

    /** {@code RegisterKeys}, submitted and committed. */
    void registerKeys(String listing) throws FabricException;

    /** {@code Anchor}, submitted and committed: the transaction and its block. */
    AnchorTransaction anchor(String batch) throws FabricException;

    /** The number of the block holding transaction {@code txId} ({@code qscc GetBlockByTxID}). */
    long blockOf(String txId) throws FabricException;

    @Override
    void close();
}
