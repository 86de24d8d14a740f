package io.countersign.audit.fabric.internal;

import java.time.Instant;

/**
 * A snapshot of anchoring.
 *
 * @param anchoredSize how many entries Fabric holds, or -1 before Fabric has answered
 * @param lastTxId the newest anchoring transaction seen, or {@code null}
 * @param lastBlock its block, or -1
 * @param lastError what the newest failed attempt said, or {@code null} once one succeeded
 */
public record AnchorStatus(AnchorState state, long anchoredSize, long journalSize, long checkpointSize,
                           String lastTxId, long lastBlock, Instant lastAnchoredAt, String lastError, String channel,
                           String chaincode, String mspId) {

    /** Entries not anchored yet, or -1 before Fabric has answered. */
    public long backlog() {
        return anchoredSize < 0 ? -1 : Math.max(0, journalSize - anchoredSize);
    }
}
