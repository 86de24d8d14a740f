package io.countersign.audit.fabric.internal;

import java.time.Instant;

/**
 * A batch committed on Fabric: the entries {@code from <= seq < to}.
 *
 * @param committedAt when the anchorer learned of the commit
 * @param confirmed whether an {@code anchor.confirmed} entry was journaled for it (not for a batch of confirmations)
 */
public record AnchorCommit(long from, long to, String txId, long block, Instant committedAt, boolean confirmed) {
}
