package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * @param retryMin wait before the first retry of a failed write; each later wait doubles, up to {@code retryMax}
 * @param retryMax longest wait between two attempts of a failed write
 * @param freeSpace how many bytes can still be written in a directory, checked before preallocating
 * @param seal when the journal seals its verified prefix, what an open verifies, and how fast the scrub goes
 */
record JournalOptions(Path directory, int maxBatch, long segmentBytes, int queueCapacity, ChannelOpener opener,
                      Clock clock, Duration retryMin, Duration retryMax, FreeSpace freeSpace, SealOptions seal) {

    static final int DEFAULT_MAX_BATCH = 1024;
    static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    static final int DEFAULT_QUEUE_CAPACITY = 65536;
    static final long MIN_SEGMENT_BYTES = 1024;
    static final Duration DEFAULT_RETRY_MIN = Duration.ofMillis(100);
    static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(5);

    /**
     * Restart in constant time: a seal is written every {@code everyEntries} entries or {@code every}, whichever comes
     * first; an open verifies only what follows it unless {@code verifyFullOnOpen}; the scrubber re-verifies the
     * sealed prefix in the background at {@code scrubEntriesPerSecond}, beginning {@code scrubDelay} after the open
     * (so that it does not compete with the rest of a node's start for the CPU).
     */
    record SealOptions(long everyEntries, Duration every, boolean verifyFullOnOpen, long scrubEntriesPerSecond,
                       Duration scrubDelay) {

        static final SealOptions DEFAULT = new SealOptions(25_000, Duration.ofSeconds(5), false, 200_000,
                Duration.ofSeconds(30));

        SealOptions {
            Objects.requireNonNull(every, "every");
            Objects.requireNonNull(scrubDelay, "scrubDelay");
            if (everyEntries < 1 || every.isNegative() || every.isZero() || scrubEntriesPerSecond < 1
                    || scrubDelay.isNegative()) {
                throw new IllegalArgumentException("seal intervals and the scrub pace must be positive, not "
                        + everyEntries + " entries, " + every + ", " + scrubEntriesPerSecond + " entries/s, a delay of "
                        + scrubDelay);
            }
        }

        /** With the scrub starting at once. */
        SealOptions(long everyEntries, Duration every, boolean verifyFullOnOpen, long scrubEntriesPerSecond) {
            this(everyEntries, every, verifyFullOnOpen, scrubEntriesPerSecond, Duration.ZERO);
        }
    }

    /** The space left for the journal in a directory: its file store's usable space. */
    @FunctionalInterface
    interface FreeSpace {
        /**
         * The file store's usable space; where the JDK cannot name the file store (some container mounts), statvfs
         * through {@link java.io.File#getUsableSpace()}, and when that does not know either, no limit (no check).
         */
        FreeSpace DEFAULT = directory -> {
            try {
                return Files.getFileStore(directory).getUsableSpace();
            } catch (IOException e) {
                long usable = directory.toFile().getUsableSpace();
                return usable > 0 ? usable : Long.MAX_VALUE;
            }
        };

        long usableBytes(Path directory) throws IOException;
    }

    JournalOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(opener, "opener");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(freeSpace, "freeSpace");
        Objects.requireNonNull(seal, "seal");
        Objects.requireNonNull(retryMin, "retryMin");
        Objects.requireNonNull(retryMax, "retryMax");
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
        if (retryMin.isNegative() || retryMin.isZero() || retryMax.compareTo(retryMin) < 0) {
            throw new IllegalArgumentException("retryMin must be positive and at most retryMax, not " + retryMin
                    + " and " + retryMax);
        }
    }

    static JournalOptions defaults(Path directory) {
        return new JournalOptions(directory, DEFAULT_MAX_BATCH, DEFAULT_SEGMENT_BYTES, DEFAULT_QUEUE_CAPACITY,
                ChannelOpener.DEFAULT, Clock.systemUTC(), DEFAULT_RETRY_MIN, DEFAULT_RETRY_MAX, FreeSpace.DEFAULT,
                SealOptions.DEFAULT);
    }

    JournalOptions withMaxBatch(int value) {
        return new JournalOptions(directory, value, segmentBytes, queueCapacity, opener, clock, retryMin, retryMax,
                freeSpace, seal);
    }

    JournalOptions withSegmentBytes(long value) {
        return new JournalOptions(directory, maxBatch, value, queueCapacity, opener, clock, retryMin, retryMax,
                freeSpace, seal);
    }

    JournalOptions withQueueCapacity(int value) {
        return new JournalOptions(directory, maxBatch, segmentBytes, value, opener, clock, retryMin, retryMax,
                freeSpace, seal);
    }

    JournalOptions withOpener(ChannelOpener value) {
        return new JournalOptions(directory, maxBatch, segmentBytes, queueCapacity, value, clock, retryMin, retryMax,
                freeSpace, seal);
    }

    JournalOptions withClock(Clock value) {
        return new JournalOptions(directory, maxBatch, segmentBytes, queueCapacity, opener, value, retryMin, retryMax,
                freeSpace, seal);
    }

    JournalOptions withRetry(Duration min, Duration max) {
        return new JournalOptions(directory, maxBatch, segmentBytes, queueCapacity, opener, clock, min, max,
                freeSpace, seal);
    }

    JournalOptions withFreeSpace(FreeSpace value) {
        return new JournalOptions(directory, maxBatch, segmentBytes, queueCapacity, opener, clock, retryMin, retryMax,
                value, seal);
    }

    JournalOptions withSeal(SealOptions value) {
        return new JournalOptions(directory, maxBatch, segmentBytes, queueCapacity, opener, clock, retryMin, retryMax,
                freeSpace, value);
    }
}
