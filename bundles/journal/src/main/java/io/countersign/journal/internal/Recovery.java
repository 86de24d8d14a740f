package io.countersign.journal.internal;

import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies every segment on open (CRC, canonical form, contiguous seq, hash chain, non-decreasing time), fills the
 * sparse index, adds every entry to the Merkle tree (which repairs its stored nodes) and cuts a torn tail. Any other
 * damage refuses the open: entries are never dropped silently.
 */
final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final int BUFFER_BYTES = 1024 * 1024;

    /** The state the writer continues from; {@code lastSegment} is null for an empty directory. */
    record State(long nextSeq, String lastHash, Instant lastTime, Path lastSegment, long lastSegmentFirstSeq,
                 long lastSegmentEnd) {
    }

    private final ChannelOpener opener;
    private final SparseIndex index;
    private final MerkleTree tree;
    private final EntryCodec codec = new EntryCodec();
    private long nextSeq;
    private String lastHash = EntryCodec.GENESIS_PREV;
    private Instant lastTime;

    private Recovery(ChannelOpener opener, SparseIndex index, MerkleTree tree) {
        this.opener = opener;
        this.index = index;
        this.tree = tree;
    }

    /** Adds every entry to {@code tree}, leaving {@link MerkleTree#finishRecovery} to the caller. */
    static State run(Path directory, ChannelOpener opener, SparseIndex index, MerkleTree tree) throws IOException {
        return new Recovery(opener, index, tree).scan(SegmentFiles.list(directory));
    }

    private State scan(NavigableMap<Long, Path> segments) throws IOException {
        Path lastSegment = null;
        long lastEnd = 0;
        for (Map.Entry<Long, Path> segment : segments.entrySet()) {
            long firstSeq = segment.getKey();
            Path path = segment.getValue();
            if (firstSeq != nextSeq) {
                throw new CorruptJournalException(path, 0, nextSeq, "the file name says the segment starts at seq "
                        + firstSeq + " but the entries before it end at seq " + (nextSeq - 1)
                        + (firstSeq > nextSeq ? " (entries are missing)" : " (segments overlap)"));
            }
            boolean last = segment.getKey().equals(segments.lastKey());
            index.addSegment(firstSeq, path);
            lastEnd = scanSegment(path, last);
            if (nextSeq == firstSeq && !last) {
                throw new CorruptJournalException(path, 0, nextSeq, "the segment holds no entries but is not the last");
            }
            lastSegment = path;
        }
        long lastFirstSeq = segments.isEmpty() ? 0 : segments.lastKey();
        return new State(nextSeq, lastHash, lastTime, lastSegment, lastFirstSeq, lastEnd);
    }

    /** Returns where the next record of this segment would go. */
    private long scanSegment(Path path, boolean last) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            SegmentCursor cursor = new SegmentCursor(channel, 0, BUFFER_BYTES);
            for (;;) {
                switch (cursor.next()) {
                    case RECORD -> accept(path, cursor);
                    case END -> {
                        long end = cursor.recordOffset();
                        long trailing = SegmentFiles.nonZeroEnd(channel, end, cursor.size());
                        if (trailing > end) {
                            throw new CorruptJournalException(path, end, nextSeq, "the end-of-data marker is"
                                    + " followed by non-zero bytes up to offset " + trailing
                                    + " (entries may have been cut out)");
                        }
                        return end;
                    }
                    case BAD -> {
                        return cutTornTail(path, channel, cursor, last);
                    }
                }
            }
        }
    }

    private void accept(Path path, SegmentCursor cursor) throws IOException {
        long offset = cursor.recordOffset();
        JournalEntry entry;
        try {
            entry = codec.verify(cursor.payload());
        } catch (EntryCodec.InvalidEntryException e) {
            throw new CorruptJournalException(path, offset, nextSeq, e.getMessage());
        }
        if (entry.seq() != nextSeq) {
            throw new CorruptJournalException(path, offset, nextSeq, "the entry says seq " + entry.seq()
                    + " but seq " + nextSeq + " was expected");
        }
        if (!entry.prevHash().equals(lastHash)) {
            throw new CorruptJournalException(path, offset, nextSeq, "prev is " + entry.prevHash()
                    + " but the previous entry hashes to " + lastHash
                    + " (this entry or the one before it was altered)");
        }
        if (lastTime != null && entry.time().isBefore(lastTime)) {
            throw new CorruptJournalException(path, offset, nextSeq, "time " + entry.time()
                    + " is before the previous entry's " + lastTime);
        }
        index.noteRecord(nextSeq, offset);
        tree.add(EntryCodec.hashBytes(entry.hash()));
        lastHash = entry.hash();
        lastTime = entry.time();
        nextSeq++;
    }

    private long cutTornTail(Path path, FileChannel channel, SegmentCursor cursor, boolean last) throws IOException {
        long offset = cursor.recordOffset();
        if (!last) {
            throw new CorruptJournalException(path, offset, nextSeq,
                    cursor.problem() + " in a segment that is not the last");
        }
        long trailing = SegmentFiles.nonZeroEnd(channel, cursor.badEnd(), cursor.size());
        if (trailing > cursor.badEnd()) {
            throw new CorruptJournalException(path, offset, nextSeq, cursor.problem() + ", and non-zero data follows it"
                    + " up to offset " + trailing + " (a torn write leaves only zeros after itself)");
        }
        long end = SegmentFiles.nonZeroEnd(channel, offset, cursor.badEnd());
        try (FileChannel writable = opener.open(path, Set.of(StandardOpenOption.WRITE))) {
            SegmentFiles.writeZeros(writable, offset, end);
            writable.force(false);
        }
        LOG.warn("Journal segment {} had a torn tail at seq {} (byte offset {}, {} bytes: {}); it was never"
                + " acknowledged and has been zeroed", path, nextSeq, offset, end - offset, cursor.problem());
        return offset;
    }
}
