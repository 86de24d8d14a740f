package io.countersign.journal.internal;

import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Consumer;

/**
 * Reads a journal directory without opening it: no lock is taken and nothing is written, so offline tools (policy
 * replay) can read the directory of a running server or a copy of it. Entries are checked record by record (CRC,
 * sequence); the hash chain and the tree are the verifier's business.
 */
public final class JournalFiles {

    private static final int BUFFER_BYTES = 256 * 1024;

    private JournalFiles() {
    }

    /**
     * Passes every entry, in order, to {@code sink}. A record cut short at the very end of the newest segment (a
     * write in progress) ends the read; damage anywhere else is an {@link IOException}.
     *
     * @return how many entries were read
     */
    public static long read(Path directory, Consumer<JournalEntry> sink) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("no journal directory " + directory);
        }
        NavigableMap<Long, Path> segments = SegmentFiles.list(directory);
        List<Map.Entry<Long, Path>> ordered = new ArrayList<>(segments.entrySet());
        EntryCodec codec = new EntryCodec();
        long seq = 0;
        for (int i = 0; i < ordered.size(); i++) {
            Map.Entry<Long, Path> segment = ordered.get(i);
            boolean newest = i == ordered.size() - 1;
            if (segment.getKey() != seq) {
                throw new IOException("journal segment " + segment.getValue() + " starts at seq " + segment.getKey()
                        + " but " + seq + " was expected");
            }
            try (FileChannel channel = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
                SegmentCursor cursor = new SegmentCursor(channel, 0, BUFFER_BYTES);
                while (true) {
                    SegmentCursor.Step step = cursor.next();
                    if (step == SegmentCursor.Step.END) {
                        break;
                    }
                    if (step == SegmentCursor.Step.BAD) {
                        if (newest) {
                            return seq;
                        }
                        throw new IOException("journal segment " + segment.getValue() + " is damaged at byte "
                                + cursor.recordOffset() + ": " + cursor.problem());
                    }
                    JournalEntry entry;
                    try {
                        entry = codec.decode(cursor.payload());
                    } catch (EntryCodec.InvalidEntryException e) {
                        throw new IOException("journal entry " + seq + " in " + segment.getValue() + " cannot be read: "
                                + e.getMessage(), e);
                    }
                    if (entry.seq() != seq) {
                        throw new IOException("journal entry at seq " + seq + " says seq " + entry.seq());
                    }
                    sink.accept(entry);
                    seq++;
                }
            }
        }
        return seq;
    }
}
