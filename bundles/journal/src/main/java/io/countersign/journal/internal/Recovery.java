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
 * Verifies the segments on open (CRC, canonical form, contiguous seq, hash chain, non-decreasing time, zeros after the
 * data): every one ({@link #run}), or only what follows a valid seal ({@link #runFrom}). It fills the sparse index,
 * adds every entry it verifies to the Merkle tree (which repairs its stored nodes) and cuts a torn tail. Any other
 * damage refuses the open: entries are never dropped silently. The scrubber runs the same checks over the sealed
 * prefix without changing anything ({@link #verify}).
 */
final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final int BUFFER_BYTES = 1024 * 1024;

    /**
     * The state the writer continues from; {@code lastSegment} is null for an empty directory. {@code verified} says
     * how many records this recovery read and verified.
     */
    record State(long nextSeq, String lastHash, Instant lastTime, Path lastSegment, long lastSegmentFirstSeq,
                 long lastSegmentEnd, long verified, SealPoint boundary) {
    }

    /** Where verified records go: the index and the tree on open, the scrub's recomputation in the background. */
    interface Sink {
        /** A segment whose records follow; {@code resumedAt} is the offset verification starts at (0 but for one). */
        void segment(long firstSeq, Path path, long resumedAt);

        /** A verified record: {@code point} is the journal up to and including it. */
        void record(SealPoint point, byte[] entryHash) throws IOException;
    }

    private final ChannelOpener opener;
    private final Sink sink;
    private final boolean cutsTornTail;
    private final long endSeq;
    private final EntryCodec codec = new EntryCodec();
    private long nextSeq;
    private String lastHash = EntryCodec.GENESIS_PREV;
    private Instant lastTime;
    private long verified;
    private long segmentFirstSeq;
    private SealPoint boundary;

    private Recovery(ChannelOpener opener, Sink sink, boolean cutsTornTail, long endSeq) {
        this.opener = opener;
        this.sink = sink;
        this.cutsTornTail = cutsTornTail;
        this.endSeq = endSeq;
    }

    /** Adds every entry to {@code tree}, leaving {@link MerkleTree#finishRecovery} to the caller. */
    static State run(Path directory, ChannelOpener opener, SparseIndex index, MerkleTree tree) throws IOException {
        return new Recovery(opener, openSink(index, tree), true, Long.MAX_VALUE).scan(SegmentFiles.list(directory));
    }

    /**
     * Verifies the entries after {@code seal} and adds them to {@code tree}, which {@link MerkleTree#resume}d the
     * sealed prefix; the caller has checked the seal against the journal ({@link SealCheck}). The segments before the
     * seal's are only entered in the index, their positions to be loaded when read.
     */
    static State runFrom(Seal seal, NavigableMap<Long, Path> segments, ChannelOpener opener, SparseIndex index,
                         MerkleTree tree) throws IOException {
        for (Map.Entry<Long, Path> segment : segments.headMap(seal.segmentFirstSeq()).entrySet()) {
            index.addClosedSegment(segment.getKey(), segment.getValue());
        }
        Recovery recovery = new Recovery(opener, openSink(index, tree), true, Long.MAX_VALUE);
        return recovery.resumeAfter(seal, segments.tailMap(seal.segmentFirstSeq(), true));
    }

    /**
     * Verifies, without changing anything, the entries from {@code from} (a verified prefix) up to
     * {@code endSeq}; any damage, a bad record included, is a {@link CorruptJournalException}.
     */
    static void verify(Seal from, long endSeq, NavigableMap<Long, Path> segments, Sink sink) throws IOException {
        Recovery recovery = new Recovery(ChannelOpener.DEFAULT, sink, false, endSeq);
        State state = from == null ? recovery.scan(segments.headMap(endSeq, false))
                : recovery.resumeAfter(from, segments.subMap(from.segmentFirstSeq(), true, endSeq, false));
        if (state.nextSeq() < endSeq) {
            throw new CorruptJournalException(state.lastSegment(), state.lastSegmentEnd(), state.nextSeq(),
                    "the segments end at seq " + (state.nextSeq() - 1) + ", before seq " + (endSeq - 1)
                    + ", which was verified and sealed (entries are missing)");
        }
    }

    private static Sink openSink(SparseIndex index, MerkleTree tree) {
        return new Sink() {
            @Override
            public void segment(long firstSeq, Path path, long resumedAt) {
                if (resumedAt == 0) {
                    index.addSegment(firstSeq, path);
                } else {
                    index.resumeSegment(firstSeq, path, resumedAt);
                }
            }

            @Override
            public void record(SealPoint point, byte[] entryHash) throws IOException {
                index.noteRecord(point.size() - 1, point.lastRecordOffset());
                tree.add(entryHash);
            }
        };
    }

    private State resumeAfter(Seal seal, NavigableMap<Long, Path> segments) throws IOException {
        nextSeq = seal.size();
        lastHash = seal.lastHashText();
        lastTime = seal.lastTime();
        boundary = new SealPoint(seal.size(), lastHash, lastTime, seal.segmentFirstSeq(), seal.lastRecordOffset(),
                seal.segmentEnd());
        return scan(segments, seal.segmentEnd());
    }

    private State scan(NavigableMap<Long, Path> segments) throws IOException {
        return scan(segments, 0);
    }

    /** Scans {@code segments} in order, the first from {@code firstOffset}, the others from 0. */
    private State scan(NavigableMap<Long, Path> segments, long firstOffset) throws IOException {
        Path lastSegment = null;
        long lastEnd = 0;
        long startOffset = firstOffset;
        for (Map.Entry<Long, Path> segment : segments.entrySet()) {
            long firstSeq = segment.getKey();
            Path path = segment.getValue();
            long expected = startOffset == 0 ? nextSeq : firstSeq;
            if (firstSeq != expected) {
                throw new CorruptJournalException(path, 0, nextSeq, "the file name says the segment starts at seq "
                        + firstSeq + " but the entries before it end at seq " + (nextSeq - 1)
                        + (firstSeq > nextSeq ? " (entries are missing)" : " (segments overlap)"));
            }
            boolean last = segment.getKey().equals(segments.lastKey());
            sink.segment(firstSeq, path, startOffset);
            segmentFirstSeq = firstSeq;
            long before = nextSeq;
            lastEnd = scanSegment(path, startOffset, last);
            if (nextSeq == before && startOffset == 0 && !last) {
                throw new CorruptJournalException(path, 0, nextSeq, "the segment holds no entries but is not the last");
            }
            lastSegment = path;
            startOffset = 0;
        }
        long lastFirstSeq = segments.isEmpty() ? 0 : segments.lastKey();
        return new State(nextSeq, lastHash, lastTime, lastSegment, lastFirstSeq, lastEnd, verified, boundary);
    }

    /** Returns where the next record of this segment would go. */
    private long scanSegment(Path path, long startOffset, boolean last) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            SegmentCursor cursor = new SegmentCursor(channel, startOffset, BUFFER_BYTES);
            for (;;) {
                if (nextSeq == endSeq) {
                    return cursor.offset();
                }
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
        boundary = new SealPoint(nextSeq + 1, entry.hash(), entry.time(), segmentFirstSeq, offset, cursor.offset());
        sink.record(boundary, EntryCodec.hashBytes(entry.hash()));
        verified++;
        lastHash = entry.hash();
        lastTime = entry.time();
        nextSeq++;
    }

    private long cutTornTail(Path path, FileChannel channel, SegmentCursor cursor, boolean last) throws IOException {
        long offset = cursor.recordOffset();
        if (!last || !cutsTornTail) {
            throw new CorruptJournalException(path, offset, nextSeq, cursor.problem()
                    + (cutsTornTail ? " in a segment that is not the last" : " inside the verified prefix"));
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
