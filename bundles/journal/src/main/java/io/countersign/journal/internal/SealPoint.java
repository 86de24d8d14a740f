package io.countersign.journal.internal;

import java.time.Instant;

/**
 * Where the durable journal stood after a chunk, as the writer hands it to the sealer: everything a {@link Seal} holds
 * except the Merkle root, which the sealer computes off the writer's thread.
 */
record SealPoint(long size, String lastHash, Instant lastTime, long segmentFirstSeq, long lastRecordOffset,
                 long segmentEnd) {
}
