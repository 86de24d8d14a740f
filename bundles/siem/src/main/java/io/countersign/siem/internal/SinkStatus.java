package io.countersign.siem.internal;

import java.time.Instant;

/**
 * What {@code GET /v1/siem/status} shows of one sink.
 *
 * @param state {@code starting}, {@code delivering}, {@code caught-up}, {@code retrying}, {@code stopped}
 * @param confirmed the persisted cursor: every entry before it was confirmed by the receiver
 * @param sent the next entry to send (beyond {@code confirmed} while the receiver has not yet confirmed)
 * @param lag entries in the journal not yet confirmed
 */
record SinkStatus(String name, String format, String transport, String target, String state, long confirmed,
                  long sent, long journalSize, long lag, Instant lastConfirmedAt, String lastError,
                  Instant lastErrorAt, long retries) {
}
