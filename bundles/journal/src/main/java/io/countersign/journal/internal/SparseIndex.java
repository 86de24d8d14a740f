package io.countersign.journal.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Where every segment starts and where every {@value #INTERVAL}th entry lies, so reads need not scan from seq 0. */
final class SparseIndex {

    static final int INTERVAL = 256;

    private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, Long> offsets = new ConcurrentSkipListMap<>();

    /** A known record position at or before a wanted seq. */
    record Position(long seq, Path segment, long offset) {
    }

    void addSegment(long firstSeq, Path segment) {
        segments.put(firstSeq, segment);
    }

    /** Notes a record position if it starts its segment or falls on the interval. */
    void noteRecord(long seq, long offset) {
        if (offset == 0 || seq % INTERVAL == 0) {
            offsets.put(seq, offset);
        }
    }

    /** The nearest indexed record at or before {@code seq}, or null if there is none. */
    Position floor(long seq) {
        Map.Entry<Long, Long> record = offsets.floorEntry(seq);
        if (record == null) {
            return null;
        }
        Map.Entry<Long, Path> segment = segments.floorEntry(record.getKey());
        return segment == null ? null : new Position(record.getKey(), segment.getValue(), record.getValue());
    }

    Path segmentStartingAt(long seq) {
        return segments.get(seq);
    }
}
