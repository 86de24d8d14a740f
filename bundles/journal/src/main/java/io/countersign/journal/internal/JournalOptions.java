package io.countersign.journal.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * How a {@link JournalStore} is laid out and sized.
 *
 * @param directory where the segment files live; created if missing
 * @param maxBatch most records written with one fsync
 * @param segmentBytes size each new segment file is preallocated to
 * @param queueCapacity appends that may wait for the writer before new ones are refused
 * @param opener opens every channel that is written or forced
 * @param clock source of entry timestamps
 */
record JournalOptions(Path directory, int maxBatch, long segmentBytes, int queueCapacity, ChannelOpener opener,
                      Clock clock) {

    static final int DEFAULT_MAX_BATCH = 1024;
    static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    static final int DEFAULT_QUEUE_CAPACITY = 65536;
    static final long MIN_SEGMENT_BYTES = 1024;

    JournalOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(opener, "opener");
        Objects.requireNonNull(clock, "clock");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, not " + maxBatch);
        }
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be at least " + MIN_SEGMENT_BYTES + ", not "
                    + segmentBytes);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, not " + queueCapacity);
        }
    }

    static JournalOptions defaults(Path directory) {
        return new JournalOptions(directory, DEFAULT_MAX_BATCH, DEFAULT_SEGMENT_BYTES, DEFAULT_QUEUE_CAPACITY,
                ChannelOpener.DEFAULT, Clock.systemUTC());
    }

    JournalOptions withMaxBatch(int value) {
        return new JournalOptions(directory, value, segmentBytes, queueCapacity, opener, clock);
    }

    JournalOptions withSegmentBytes(long value) {
        return new JournalOptions(directory, maxBatch, value, queueCapacity, opener, clock);
    }

    JournalOptions withQueueCapacity(int value) {
        return new JournalOptions(directory, maxBatch, segmentBytes, value, opener, clock);
    }

    JournalOptions withOpener(ChannelOpener value) {
        return new JournalOptions(directory, maxBatch, segmentBytes, queueCapacity, value, clock);
    }

    JournalOptions withClock(Clock value) {
        return new JournalOptions(directory, maxBatch, segmentBytes, queueCapacity, opener, value);
    }
}
