package io.countersign.api;

import java.time.Instant;

/**
 * A signed tree head of the journal (docs/evidence-format.md §2).
 *
 * @param root the 32-byte RFC 9162 tree hash of the first {@code size} entries
 * @param note the whole C2SP signed note, text and signature lines
 */
public record Checkpoint(String origin, long size, byte[] root, Instant time, String keyId, String note) {
    public Checkpoint {
        root = root.clone();
    }

    @Override
    public byte[] root() {
        return root.clone();
    }
}
