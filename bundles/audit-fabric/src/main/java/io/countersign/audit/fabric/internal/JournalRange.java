package io.countersign.audit.fabric.internal;

import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.util.HexFormat;
import java.util.List;

/**
 * The entries {@code from <= seq < to} of the journal as Fabric sees them: their 32-byte entry hashes, concatenated,
 * and whether they are all {@code anchor.confirmed} entries.
 */
record JournalRange(long from, long to, byte[] entryHashes, boolean onlyConfirmations) {

    private static final int CHUNK = 4096;
    private static final String HASH_PREFIX = "sha256:";

    /** @throws IllegalStateException if the journal does not hold every entry of the range */
    static JournalRange read(Journal journal, long from, long to) {
        long count = to - from;
        if (count <= 0 || count > Integer.MAX_VALUE / 32) {
            throw new IllegalArgumentException("cannot read entries " + from + " to " + to);
        }
        byte[] hashes = new byte[(int) count * 32];
        boolean onlyConfirmations = true;
        long next = from;
        while (next < to) {
            List<JournalEntry> chunk = journal.read(next, (int) Math.min(CHUNK, to - next));
            if (chunk.isEmpty()) {
                throw new IllegalStateException("the journal holds no entry " + next + " (it has " + journal.size()
                        + " durable entries)");
            }
            for (JournalEntry entry : chunk) {
                if (next == to) {
                    break;
                }
                if (entry.seq() != next) {
                    throw new IllegalStateException("the journal returned entry " + entry.seq() + " for " + next);
                }
                System.arraycopy(hashBytes(entry), 0, hashes, (int) (next - from) * 32, 32);
                onlyConfirmations &= Confirmation.TYPE.equals(entry.type());
                next++;
            }
        }
        return new JournalRange(from, to, hashes, onlyConfirmations);
    }

    /** The 32 bytes of an entry's {@code sha256:<hex>} hash. */
    static byte[] hashBytes(JournalEntry entry) {
        String hash = entry.hash();
        if (hash == null || hash.length() != HASH_PREFIX.length() + 64 || !hash.startsWith(HASH_PREFIX)) {
            throw new IllegalStateException("entry " + entry.seq() + " has no sha256 hash: " + hash);
        }
        return HexFormat.of().parseHex(hash, HASH_PREFIX.length(), hash.length());
    }

    /** The seq of the first entry whose hash differs from {@code other}'s, or -1 when they are all equal. */
    long firstDifference(byte[] other) {
        if (other.length != entryHashes.length) {
            return from;
        }
        for (int offset = 0; offset < entryHashes.length; offset += 32) {
            for (int i = offset; i < offset + 32; i++) {
                if (entryHashes[i] != other[i]) {
                    return from + offset / 32;
                }
            }
        }
        return -1;
    }
}
