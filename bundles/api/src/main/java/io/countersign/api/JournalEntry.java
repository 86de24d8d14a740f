package io.countersign.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One durable journal record.
 *
 * @param seq position in the journal, from 0
 * @param prevHash {@code sha256:<hex>} of the previous entry (all zeros for the first)
 * @param hash {@code sha256:<hex>} over the previous hash and this entry's canonical bytes
 */
public record JournalEntry(long seq, Instant time, String type, ObjectNode data, String prevHash, String hash) {
}
