package io.countersign.core.internal;

import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link ShadowProjection} current with the durable journal, on the journal's follower thread, never a
 * request's, and writes a snapshot every so many entries or milliseconds (checked as entries arrive) and at close.
 */
final class ProjectionFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionFollower.class);

    private final ShadowProjection shadow;
    private final ProjectionStore store;
    private final Journal journal;
    private final LongConsumer applied;
    private final long everyEntries;
    private final long everyNanos;
    private Journal.Following following;
    private long sinceSnapshot;
    private long lastSnapshotNanos = System.nanoTime();
    private boolean stopped;
    /** Every entry before it is applied and its consequences (the engine told) are done. */
    private volatile long position;
    /** Set when an entry could not be applied: the journal then stops this follower, and nobody should wait on it. */
    private volatile boolean failed;

    /** @param applied told the projection's position after each entry: every entry before it is indexed */
    ProjectionFollower(ShadowProjection shadow, ProjectionStore store, Journal journal, LongConsumer applied) {
        this.shadow = shadow;
        this.store = store;
        this.journal = journal;
        this.applied = applied;
        this.everyEntries = store.options().snapshotEveryEntries();
        this.everyNanos = TimeUnit.MILLISECONDS.toNanos(store.options().snapshotEveryMillis());
        this.position = shadow.position();
    }

    void start() {
        following = journal.follow(shadow.position(), this::accept);
    }

    // Synchronized with close(): the last snapshot is taken between two entries, like every other one.
    private synchronized void accept(JournalEntry entry) {
        if (stopped) {
            return;
        }
        try {
            shadow.apply(entry);
        } catch (RuntimeException e) {
            failed = true;
            LOG.error("the core's projection stopped at entry {}: closed requests stay on the heap until a restart",
                    entry.seq(), e);
            throw e;
        }
        applied.accept(shadow.position());
        position = shadow.position();
        sinceSnapshot++;
        if (sinceSnapshot >= everyEntries || System.nanoTime() - lastSnapshotNanos >= everyNanos) {
            snapshot();
        }
    }

    private void snapshot() {
        try {
            store.save(shadow);
        } catch (java.io.IOException | RuntimeException e) {
            // the next one may succeed; until then a restart reads a longer tail, which is slower, not wrong
            LOG.error("could not write the core snapshot at {}", shadow.position(), e);
        }
        sinceSnapshot = 0;
        lastSnapshotNanos = System.nanoTime();
    }

    /** Every entry before this is applied. */
    long position() {
        return position;
    }

    /** Waits until every entry before {@code position} is applied; false if that took longer than maxWait. */
    boolean awaitPosition(long position, Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (this.position < position) {
            if (failed || System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }

    /**
     * Stops following once every entry durable now is applied (or maxWait passed), then writes the last snapshot,
     * so that the next start reads about no tail.
     */
    void close(Duration maxWait) {
        if (following == null) {
            return;
        }
        if (!awaitPosition(journal.size(), maxWait)) {
            LOG.warn("the core's projection is at {} of {} journal entries at shutdown; the next start reads the"
                    + " rest", position, journal.size());
        }
        following.close();
        synchronized (this) {
            if (!stopped) {
                stopped = true;
                if (sinceSnapshot > 0) {
                    snapshot();
                }
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
