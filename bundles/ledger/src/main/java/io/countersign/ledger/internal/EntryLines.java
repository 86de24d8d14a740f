package io.countersign.ledger.internal;

import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The {@code entries.jsonl} member of a bundle: each entry's canonical bytes and a newline, read from the journal run by
 * run a chunk at a time, so memory does not grow with the range. The member is stored uncompressed, which needs its
 * size and CRC-32 before its first byte: {@link #summarize} reads the entries once for those, {@link #writeTo} again.
 */
final class EntryLines {

    /** The byte count and CRC-32 of the whole member. */
    record Summary(long bytes, long crc) {
    }

    @FunctionalInterface
    private interface LineConsumer {
        void accept(JournalEntry entry, byte[] canonical) throws IOException;
    }

    private static final int READ_CHUNK = 4096;

    private final Journal journal;
    private final List<Run> runs;

    EntryLines(Journal journal, List<Run> runs) {
        this.journal = journal;
        this.runs = runs;
    }

    /**
     * Also checks that every entry still hashes to what the journal holds for it. {@link #writeTo} need not check
     * again: the zip stream refuses a stored member whose bytes do not match the CRC-32 computed here.
     */
    Summary summarize() throws IOException {
        MessageDigest sha256 = sha256();
        CRC32 crc = new CRC32();
        long[] bytes = {0};
        forEach((entry, canonical) -> {
            String hash = "sha256:" + HexFormat.of().formatHex(sha256.digest(canonical));
            if (!hash.equals(entry.hash())) {
                throw new IllegalStateException("journal entry " + entry.seq() + " no longer hashes to "
                        + entry.hash());
            }
            crc.update(canonical);
            crc.update('\n');
            bytes[0] += canonical.length + 1;
        });
        return new Summary(bytes[0], crc.getValue());
    }

    void writeTo(OutputStream out) throws IOException {
        forEach((entry, canonical) -> {
            out.write(canonical);
            out.write('\n');
        });
    }

    private void forEach(LineConsumer consumer) throws IOException {
        for (Run run : runs) {
            long seq = run.first();
            while (seq <= run.last()) {
                List<JournalEntry> chunk = journal.read(seq, (int) Math.min(READ_CHUNK, run.last() - seq + 1));
                if (chunk.isEmpty()) {
                    throw new IllegalStateException("journal entry " + seq + " cannot be read");
                }
                for (JournalEntry entry : chunk) {
                    consumer.accept(entry, entry.canonicalBytes());
                }
                seq += chunk.size();
            }
        }
    }


    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
