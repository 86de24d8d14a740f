package io.countersign.siem.internal;

import java.time.Instant;

/**
 * One journal entry as a sink sends it.
 *
 * @param seq the entry's journal seq (the SIEM's dedupe and gap key)
 * @param hash the entry's hash, {@code sha256:<hex>}, which ties the event to the ledger
 * @param time the entry's journal time
 * @param type the entry's type
 * @param severity OCSF severity_id (1 informational … 4 high)
 * @param body the entry in the sink's format (one line: no CR or LF)
 */
record SiemEvent(long seq, String hash, Instant time, String type, int severity, String body) {
}
