package io.countersign.policy.drools.internal;

import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.MerkleLog;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code state.bin} up to date by following the durable journal on the journal's follower thread (never a
 * request's or the journal writer's): per entry a type comparison, and the file is rewritten when a policy entry
 * arrives, every {@link Interval#entries} entries or {@link Interval#time}, whichever comes first (checked as entries
 * arrive), and when it is closed.
 */
final class PolicyFollower implements AutoCloseable {

    /** How much may pass before the state is rewritten although no policy entry arrived. */
    record Interval(long entries, Duration time) {
        static final Interval DEFAULT = new Interval(25_000, Duration.ofSeconds(5));
    }

    private static final Logger LOG = LoggerFactory.getLogger(PolicyFollower.class);

    private final Journal journal;
    private final MerkleLog merkle;
    private final PolicyStateFile file;
    private final Interval interval;
    private final LongSupplier nanoTime;
    private long[] seqs;
    private int count;
    private long lastActivated;
    private long position;
    private long writtenAt;
    private long writtenNanos;
    private Journal.Following following;

    PolicyFollower(Journal journal, MerkleLog merkle, PolicyStateFile file, Interval interval, LongSupplier nanoTime) {
        this.journal = journal;
        this.merkle = merkle;
        this.file = file;
        this.interval = interval;
        this.nanoTime = nanoTime;
    }

    /**
     * Follows the journal from where {@code restored} ends; first writes the file for that point unless it already
     * describes it.
     */
    synchronized void start(PolicyRestore restored) {
        PolicyHistory history = restored.history();
        seqs = history.seqs();
        count = seqs.length;
        lastActivated = history.lastActivatedSeq();
        position = history.nextSeq();
        writtenAt = restored.stateCurrent() ? position : -1;
        writtenNanos = nanoTime.getAsLong();
        if (!restored.stateCurrent()) {
            write();
        }
        following = journal.follow(position, this::accept);
    }

    /** Stops following and records the position reached. */
    @Override
    public void close() {
        Journal.Following running;
        synchronized (this) {
            running = following;
            following = null;
        }
        if (running != null) {
            running.close();
        }
        synchronized (this) {
            if (position != writtenAt) {
                write();
            }
        }
    }

    /** The state this follower would write now. */
    synchronized PolicyState state() {
        return PolicyState.of(position, merkle, lastActivated, Arrays.copyOf(seqs, count));
    }

    private synchronized void accept(JournalEntry entry) {
        position = entry.seq() + 1;
        if (PolicyEntries.isPolicyChange(entry.type())) {
            add(entry.seq());
            if (entry.type().equals(PolicyEntries.ACTIVATED)) {
                lastActivated = entry.seq();
            }
            write();
        } else if (position - writtenAt >= interval.entries()
                || nanoTime.getAsLong() - writtenNanos >= interval.time().toNanos()) {
            write();
        }
    }

    private void add(long seq) {
        if (count == seqs.length) {
            seqs = Arrays.copyOf(seqs, Math.max(16, count * 2));
        }
        seqs[count++] = seq;
    }

    /** A failed write leaves the previous file, which stays correct for its own size; the next write retries. */
    private void write() {
        writtenNanos = nanoTime.getAsLong();
        try {
            file.write(state());
            writtenAt = position;
        } catch (IOException | RuntimeException e) {
            LOG.warn("policy state {} could not be written at {} (the next start reads more of the journal): {}",
                    file.path(), position, e.toString());
        }
    }
}
