package io.countersign.journal.internal;

import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/** Reads durable entries from the segment files, starting at the nearest indexed position. */
final class JournalReader {

    private static final int BUFFER_BYTES = 64 * 1024;

    private JournalReader() {
    }

    /** Passes entries {@code [fromSeq, endSeq)} to {@code sink}; {@code endSeq} must not pass the durable size. */
    static void read(SparseIndex index, long fromSeq, long endSeq, Consumer<JournalEntry> sink) {
        if (fromSeq >= endSeq) {
            return;
        }
        SparseIndex.Position start = index.floor(fromSeq);
        if (start == null) {
            throw new IllegalStateException("the journal index has no position at or before seq " + fromSeq);
        }
        EntryCodec codec = new EntryCodec();
        long seq = start.seq();
        Path segment = start.segment();
        long offset = start.offset();
        try {
            while (seq < endSeq) {
                seq = readSegment(codec, segment, offset, seq, fromSeq, endSeq, sink);
                if (seq < endSeq) {
                    segment = index.segmentStartingAt(seq);
                    offset = 0;
                    if (segment == null) {
                        throw new IllegalStateException("no journal segment starts at seq " + seq);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the journal at seq " + seq + " failed", e);
        }
    }

    /** Returns the seq after the last record read from this segment. */
    private static long readSegment(EntryCodec codec, Path segment, long offset, long seq, long fromSeq, long endSeq,
                                    Consumer<JournalEntry> sink) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            SegmentCursor cursor = new SegmentCursor(channel, offset, BUFFER_BYTES);
            while (seq < endSeq) {
                SegmentCursor.Step step = cursor.next();
                if (step == SegmentCursor.Step.END) {
                    return seq;
                }
                if (step == SegmentCursor.Step.BAD) {
                    throw damaged(segment, cursor.recordOffset(), seq, cursor.problem());
                }
                if (seq >= fromSeq) {
                    sink.accept(decode(codec, segment, cursor, seq));
                }
                seq++;
            }
            return seq;
        }
    }

    private static JournalEntry decode(EntryCodec codec, Path segment, SegmentCursor cursor, long seq) {
        try {
            JournalEntry entry = codec.decode(cursor.payload());
            if (entry.seq() != seq) {
                throw damaged(segment, cursor.recordOffset(), seq, "the entry says seq " + entry.seq());
            }
            return entry;
        } catch (EntryCodec.InvalidEntryException e) {
            throw damaged(segment, cursor.recordOffset(), seq, e.getMessage());
        }
    }

    private static IllegalStateException damaged(Path segment, long offset, long seq, String what) {
        return new IllegalStateException("journal segment " + segment + ", byte offset " + offset + ", seq " + seq
                + " changed on disk after it was verified: " + what);
    }
}
