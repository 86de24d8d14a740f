package io.countersign.journal.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every segment starts and where every {@value #INTERVAL}th entry lies, so reads need not scan from seq 0. Only
 * the segment table and the active segment's positions stay in memory; a closed segment's positions are loaded on
 * first use from its {@code segment-….idx} ({@link SegmentIndexFile}) into a small LRU, and rebuilt by scanning that
 * one segment when the file is missing or unusable.
 */
final class SparseIndex {

    static final int INTERVAL = 256;
    static final int CACHED_SEGMENTS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(SparseIndex.class);

    /** Takes a closed segment's complete positions, to be written to its index file off the caller's thread. */
    @FunctionalInterface
    interface ClosedSegments {
        void closed(long firstSeq, long[] pairs);
    }

    /**
     * A known record position at or before a wanted seq.
     *
     * @param fromFile whether it came from an index file, which a reader checks against the record it finds there
     */
    record Position(long seq, Path segment, long offset, boolean fromFile) {
    }

    private record Offsets(long[] pairs, boolean fromFile) {
    }

    private final Path directory;
    private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();
    private final Map<Long, Offsets> closed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Offsets> eldest) {
            return size() > CACHED_SEGMENTS;
        }
    };
    // Until someone takes closed segments (the sealer, which exists only after recovery), they are kept for it.
    private final List<long[]> unclaimed = new ArrayList<>();
    private ClosedSegments closedSegments = (firstSeq, pairs) -> unclaimed.add(pairs);

    // The active (newest) segment's positions, appended by recovery and then the writer. After a sealed open the
    // records before activeUnknownBefore were not read, so their positions are found by a scan when first wanted.
    private long activeFirstSeq = -1;
    private long[] active = new long[64];
    private int activeLength;
    private long activeUnknownBefore;

    SparseIndex(Path directory) {
        this.directory = directory;
    }

    /** From now on hands closed segments' positions to {@code sink}, starting with those closed before. */
    synchronized void onClosedSegment(ClosedSegments sink) {
        for (long[] pairs : unclaimed) {
            sink.closed(pairs[0], pairs);
        }
        unclaimed.clear();
        closedSegments = sink;
    }

    /** Makes a new, empty segment the active one; the one before it is closed. */
    synchronized void addSegment(long firstSeq, Path segment) {
        closeActive();
        segments.put(firstSeq, segment);
        activeFirstSeq = firstSeq;
        activeLength = 0;
        activeUnknownBefore = 0;
    }

    /** Notes a closed segment whose positions are to be loaded when first wanted. */
    void addClosedSegment(long firstSeq, Path segment) {
        segments.put(firstSeq, segment);
    }

    /** Makes a segment active whose records before {@code knownFromOffset} are in it but were not noted. */
    synchronized void resumeSegment(long firstSeq, Path segment, long knownFromOffset) {
        addSegment(firstSeq, segment);
        activeUnknownBefore = knownFromOffset;
    }

    /** Notes a record position of the active segment if it starts the segment or falls on the interval. */
    synchronized void noteRecord(long seq, long offset) {
        // A position noted again (recovery after a seal that covered it) is already there.
        if (SegmentIndexFile.keeps(seq, offset) && (activeLength == 0 || seq > active[activeLength - 2])) {
            if (activeLength == active.length) {
                active = Arrays.copyOf(active, 2 * activeLength);
            }
            active[activeLength++] = seq;
            active[activeLength++] = offset;
        }
    }

    /** The nearest indexed record at or before {@code seq}, or null if there is none. */
    Position floor(long seq) {
        Map.Entry<Long, Path> segment = segments.floorEntry(seq);
        if (segment == null) {
            return null;
        }
        long firstSeq = segment.getKey();
        synchronized (this) {
            if (firstSeq == activeFirstSeq && (activeUnknownBefore == 0 || activeLength > 0 && seq >= active[0])) {
                int at = SegmentIndexFile.floor(active, activeLength, seq);
                return at < 0 ? null : new Position(active[2 * at], segment.getValue(), active[2 * at + 1], false);
            }
        }
        if (firstSeq == activeFirstSeqNow()) {
            fillActivePrefix(firstSeq, segment.getValue());
            return floor(seq);
        }
        Offsets offsets = closedOffsets(firstSeq, segment.getValue());
        int at = SegmentIndexFile.floor(offsets.pairs(), offsets.pairs().length, seq);
        return at < 0 ? null : new Position(offsets.pairs()[2 * at], segment.getValue(), offsets.pairs()[2 * at + 1],
                offsets.fromFile());
    }

    /** The first seq of the segment holding {@code seq}. */
    long segmentFirstSeqOf(long seq) {
        return segments.floorKey(seq);
    }

    Path segmentStartingAt(long seq) {
        return segments.get(seq);
    }

    /**
     * Drops the index file of the segment starting at {@code firstSeq} after a reader found that a position it named
     * does not hold the seq it says, and rebuilds it from the segment. Returns false if the positions in use did not
     * come from a file: then the segment itself is damaged.
     */
    boolean distrust(long firstSeq, String why) {
        Path segment = segments.get(firstSeq);
        synchronized (this) {
            Offsets offsets = closed.get(firstSeq);
            if (segment == null || offsets == null || !offsets.fromFile()) {
                return false;
            }
            closed.remove(firstSeq);
        }
        LOG.warn("Journal index file {} does not match its segment ({}); rebuilding it from the segment",
                SegmentIndexFile.path(directory, firstSeq), why);
        synchronized (this) {
            closed.put(firstSeq, scan(firstSeq, segment));
        }
        return true;
    }

    private synchronized long activeFirstSeqNow() {
        return activeFirstSeq;
    }

    private void fillActivePrefix(long firstSeq, Path segment) {
        long unknownBefore;
        synchronized (this) {
            unknownBefore = activeUnknownBefore;
        }
        if (unknownBefore == 0) {
            return;
        }
        // The prefix is durable and never written again, so it is scanned without holding up the writer.
        long[] prefix = scanOrThrow(segment, firstSeq, unknownBefore).pairs();
        synchronized (this) {
            if (activeFirstSeq == firstSeq && activeUnknownBefore == unknownBefore) {
                long[] merged = Arrays.copyOf(prefix, Math.max(64, 2 * (prefix.length + activeLength)));
                System.arraycopy(active, 0, merged, prefix.length, activeLength);
                active = merged;
                activeLength += prefix.length;
                activeUnknownBefore = 0;
            }
        }
    }

    private Offsets closedOffsets(long firstSeq, Path segment) {
        synchronized (this) {
            Offsets cached = closed.get(firstSeq);
            if (cached != null) {
                return cached;
            }
        }
        Offsets loaded = load(firstSeq, segment);
        synchronized (this) {
            closed.put(firstSeq, loaded);
        }
        return loaded;
    }

    private Offsets load(long firstSeq, Path segment) {
        Path file = SegmentIndexFile.path(directory, firstSeq);
        try {
            long[] pairs = SegmentIndexFile.read(directory, firstSeq, segments.higherKey(firstSeq));
            if (pairs != null) {
                return new Offsets(pairs, true);
            }
            LOG.info("Journal index file {} is missing; building it from its segment", file);
        } catch (DerivedFile.Unusable e) {
            LOG.warn("Journal index file {} is not used ({}); rebuilding it from its segment", file, e.getMessage());
        } catch (IOException e) {
            LOG.warn("Journal index file {} cannot be read ({}); rebuilding it from its segment", file, e.toString());
        }
        return scan(firstSeq, segment);
    }

    private Offsets scan(long firstSeq, Path segment) {
        SegmentIndexFile.Scan scan = scanOrThrow(segment, firstSeq, Long.MAX_VALUE);
        if (scan.complete()) {
            synchronized (this) {
                closedSegments.closed(firstSeq, scan.pairs());
            }
        }
        return new Offsets(scan.pairs(), false);
    }

    private static SegmentIndexFile.Scan scanOrThrow(Path segment, long firstSeq, long endOffset) {
        try {
            return SegmentIndexFile.scan(segment, firstSeq, endOffset);
        } catch (IOException e) {
            throw new UncheckedIOException("scanning journal segment " + segment + " for its index failed", e);
        }
    }

    /** Hands the active segment's positions over as a closed segment's, unless some of them were never noted. */
    private void closeActive() {
        if (activeFirstSeq < 0) {
            return;
        }
        if (activeUnknownBefore == 0 && activeLength > 0) {
            long[] pairs = Arrays.copyOf(active, activeLength);
            closed.put(activeFirstSeq, new Offsets(pairs, false));
            closedSegments.closed(activeFirstSeq, pairs);
        }
        active = new long[64];
    }
}
