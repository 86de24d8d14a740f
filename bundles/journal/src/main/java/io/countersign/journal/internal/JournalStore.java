package io.countersign.journal.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.RequestRejectedException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file journal without OSGi: open recovers, appends are group-committed, close drains and syncs. The durable
 * entries also form a Merkle tree, kept up to date by the writer.
 */
final class JournalStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalStore.class);
    private static final long STOP_WAIT_SECONDS = 30;
    /** What a refusal suggests when only a restart helps (a failed fsync) or while the journal closes. */
    static final Duration FAILED_RETRY_AFTER = Duration.ofSeconds(30);
    /** What a refusal suggests when the queue is full: it drains within milliseconds when the disk keeps up. */
    static final Duration FULL_RETRY_AFTER = Duration.ofSeconds(1);

    /** What the journal can do now. */
    enum State {
        /** Appends are written as they come. */
        WRITING,
        /** A write failed and is retried with backoff; appends wait (up to the queue's capacity). */
        RETRYING,
        /** An fsync failed, or the writer broke: appends are refused until the journal is reopened. */
        FAILED,
        /** Closed: appends are refused. */
        CLOSED
    }

    /**
     * A snapshot of the journal's health.
     *
     * @param size durable entries
     * @param queued appends waiting for the writer
     * @param problem what failed, when not {@link State#WRITING}
     * @param since when the problem began
     * @param attempts writes failed since the last that succeeded
     * @param retryAfter when asking again makes sense: the time to the next attempt while {@link State#RETRYING}
     * @param spareProblem why the spare segment could not be prepared, even while writing (the current segment may
     *        have room for a while), or {@code null}
     */
    record Health(State state, long size, int queued, String problem, Instant since, int attempts, Duration retryAfter,
                  String spareProblem) {
    }

    private final JournalOptions options;
    private final DirectoryLock lock;
    private final SparseIndex index;
    private final MerkleTree tree;
    private final Preallocator preallocator;
    private final PendingQueue queue;
    private final JournalFollowers followers;
    private final Completer completer;
    private final JournalWriter writer;
    private final Thread writerThread;
    private final Thread completerThread;
    private final JournalSealer sealer;
    private final JournalScrubber scrubber;
    private final long verifiedOnOpen;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** What the scrubber found damaged in the sealed prefix; the journal refuses appends from then on. */
    private volatile CorruptJournalException damage;
    private volatile Instant damagedSince;

    private JournalStore(JournalOptions options, DirectoryLock lock, OpenedJournal opened, Preallocator preallocator,
                         ActiveSegment segment) {
        this.options = options;
        this.lock = lock;
        this.index = opened.index();
        this.tree = opened.tree();
        this.preallocator = preallocator;
        this.queue = new PendingQueue(options.queueCapacity());
        Recovery.State state = opened.state();
        this.verifiedOnOpen = state.verified();
        this.sealer = new JournalSealer(options.directory(), options.opener(), tree,
                opened.seal() == null ? 0 : opened.seal().size());
        index.onClosedSegment(sealer);
        // The scrub checks what the open did not read; whatever the open verified counts as scrubbed once it is done.
        this.scrubber = new JournalScrubber(options.directory(), options.opener(), tree, opened.seal(),
                state.boundary() == null ? null : Seal.of(state.boundary(), tree.root(state.nextSeq())),
                options.seal().scrubEntriesPerSecond(), options.seal().scrubDelay(), this::damaged);
        this.followers = new JournalFollowers((from, to, sink) -> readDurable(from, to, sink),
                this::size);
        this.completer = new Completer(followers);
        this.writer = new JournalWriter(queue, completer, preallocator, index, tree, sealer, options, segment, state);
        this.writerThread = daemon(writer, "countersign-journal-writer");
        this.completerThread = daemon(completer, "countersign-journal-completer");
    }

    /** Opens (creating if needed) and verifies the journal in {@code options.directory()}. */
    static JournalStore open(JournalOptions options) throws IOException {
        Path directory = options.directory().toAbsolutePath();
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            SegmentFiles.fsyncDirectory(options.opener(), directory.getParent());
        }
        DirectoryLock lock = DirectoryLock.acquire(options.directory());
        MerkleTree tree = null;
        Preallocator preallocator = null;
        try {
            OpenedJournal opened = OpenedJournal.recover(options, NodeFile.DEFAULT_CHUNK_BYTES);
            tree = opened.tree();
            SparseIndex index = opened.index();
            Recovery.State state = opened.state();
            preallocator = new Preallocator(options.directory(), options.segmentBytes(), options.opener());
            checkFreeSpace(options, directory, state.lastSegment() == null);
            ActiveSegment segment;
            if (state.lastSegment() == null) {
                segment = preallocator.take(0);
                index.addSegment(0, segment.path());
            } else {
                segment = ActiveSegment.open(options.opener(), state.lastSegment(), state.lastSegmentFirstSeq(),
                        state.lastSegmentEnd());
                preallocator.prepareInBackground();
            }
            JournalStore store = new JournalStore(options, lock, opened, preallocator, segment);
            store.writerThread.start();
            store.completerThread.start();
            store.sealer.start();
            if (state.boundary() != null && (opened.seal() == null || state.nextSeq() > opened.seal().size())) {
                store.sealer.offer(state.boundary()); // so that the next open need not verify this again
            }
            store.scrubber.start();
            LOG.info("Journal {} open with {} entries ({} verified on open{})", options.directory(), state.nextSeq(),
                    state.verified(), opened.seal() == null ? "" : ", after a seal of " + opened.seal().size());
            return store;
        } catch (IOException | RuntimeException e) {
            if (preallocator != null) {
                preallocator.close();
            }
            if (tree != null) {
                try {
                    tree.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            lock.close();
            throw e;
        }
    }

    /**
     * Before anything is preallocated: a new journal needs its first segment and the spare for the next one; an
     * existing one only warns, because its active segment may still have room and a roll waits for space.
     */
    private static void checkFreeSpace(JournalOptions options, Path directory, boolean fresh) throws IOException {
        long free = options.freeSpace().usableBytes(directory);
        long segment = options.segmentBytes();
        if (fresh && free < 2 * segment) {
            throw new InsufficientSpaceException(directory, 2 * segment, free, "before its first entry (its first"
                    + " segment and the spare for the next, " + InsufficientSpaceException.mebibytes(segment)
                    + " each, preallocated)");
        }
        if (!fresh && free < segment) {
            LOG.warn("Journal {} has {} free, less than one {} segment: when the active segment is full, writes wait"
                    + " (and the node is not ready) until there is room for the next", directory,
                    InsufficientSpaceException.mebibytes(free), InsufficientSpaceException.mebibytes(segment));
        }
    }

    /**
     * Takes an append. While a failed write is retried, appends are still taken (up to the queue's capacity) and
     * written once it succeeds: only a full queue, a failed journal or a closed one refuses them.
     */
    CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Pending pending = new Pending(type, data, new CompletableFuture<>());
        return switch (queue.offer(pending)) {
            case ACCEPTED -> pending.future();
            case FULL -> rejected("journal queue is full (" + options.queueCapacity()
                    + " appends waiting" + (writer.trouble() != null ? " for a failed write to be retried" : "")
                    + "); retry later", retryAfter());
            case CLOSED -> rejected("journal is closed", FAILED_RETRY_AFTER);
            case FAILED -> rejected(queue.failure(), FAILED_RETRY_AFTER);
        };
    }

    long size() {
        return writer.durable();
    }

    /** What the journal can do now, and why not when it cannot write. */
    Health health() {
        String spare = preallocator.problem();
        int queued = queue.size();
        if (closed.get()) {
            return new Health(State.CLOSED, size(), queued, "journal is closed", null, 0, FAILED_RETRY_AFTER, spare);
        }
        CorruptJournalException damaged = damage;
        if (damaged != null) {
            return new Health(State.FAILED, size(), queued, "journal damaged: " + damaged.damage(), damagedSince, 0,
                    FAILED_RETRY_AFTER, spare);
        }
        JournalWriter.Trouble trouble = writer.trouble();
        if (trouble == null) {
            return new Health(State.WRITING, size(), queued, null, null, 0, null, spare);
        }
        if (trouble.fatal()) {
            return new Health(State.FAILED, size(), queued, trouble.cause(), trouble.since(), trouble.attempts(),
                    FAILED_RETRY_AFTER, spare);
        }
        return new Health(State.RETRYING, size(), queued, trouble.cause(), trouble.since(), trouble.attempts(),
                trouble.untilNextAttempt(), spare);
    }

    /** Whether appends are being written now: not closed, no write being retried, no failed fsync. */
    boolean isWriting() {
        return !closed.get() && damage == null && writer.trouble() == null;
    }

    /** The scrubber found damage: from now on every append is refused, as after a failed fsync. */
    private void damaged(CorruptJournalException found) {
        damagedSince = Instant.now();
        damage = found;
        queue.fail("journal damaged: " + found.damage());
    }

    /** How many records the open read and verified (the tail after the seal, or all of them). */
    long verifiedOnOpen() {
        return verifiedOnOpen;
    }

    /** Whether the background scrub of what the open did not verify has finished. */
    boolean scrubDone() {
        return scrubber.isDone();
    }

    /** While a failed write is retried, the time to its next attempt; otherwise a second. */
    private Duration retryAfter() {
        JournalWriter.Trouble trouble = writer.trouble();
        if (trouble == null) {
            return FULL_RETRY_AFTER;
        }
        Duration next = trouble.untilNextAttempt();
        return next.compareTo(FULL_RETRY_AFTER) < 0 ? FULL_RETRY_AFTER : next;
    }

    /** The tree of the durable entries; its size never lags {@link #size()}. */
    MerkleTree merkle() {
        return tree;
    }

    List<JournalEntry> read(long fromSeq, int limit) {
        if (fromSeq < 0 || limit < 0) {
            throw new IllegalArgumentException("fromSeq and limit must not be negative: " + fromSeq + ", " + limit);
        }
        long end = Math.min(size(), fromSeq + limit);
        List<JournalEntry> entries = new ArrayList<>((int) Math.max(0, end - fromSeq));
        readDurable(fromSeq, end, entries::add);
        return entries;
    }

    void replay(long fromSeq, Consumer<JournalEntry> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (fromSeq < 0) {
            throw new IllegalArgumentException("fromSeq must not be negative: " + fromSeq);
        }
        readDurable(fromSeq, size(), consumer);
    }

    /** Entries {@code [fromSeq, endSeq)}, each checked against the tree; {@code endSeq} at most {@link #size()}. */
    private void readDurable(long fromSeq, long endSeq, Consumer<JournalEntry> consumer) {
        JournalReader.read(index, tree, fromSeq, endSeq, consumer);
    }

    /** See {@link io.countersign.api.Journal#follow}. */
    io.countersign.api.Journal.Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
        return followers.follow(fromSeq, consumer);
    }

    /** Stops taking appends, writes and syncs every queued one, completes every future and releases the files. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.close();
        join(writerThread);
        completer.stop();
        join(completerThread);
        followers.close();
        try {
            writer.closeSegment();
        } catch (IOException e) {
            LOG.warn("Closing the active journal segment failed", e);
        }
        scrubber.stop();
        // After the writer drained: a clean restart then has no tail to verify.
        sealer.close(writerThread.isAlive() ? null : writer.sealPoint());
        preallocator.close();
        try {
            tree.close();
        } catch (IOException e) {
            LOG.warn("Closing the journal's Merkle tree file failed", e);
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("Releasing the journal directory lock failed", e);
        }
        LOG.info("Journal {} closed with {} entries", options.directory(), size());
    }

    private static CompletableFuture<JournalEntry> rejected(String message, Duration retryAfter) {
        return CompletableFuture.failedFuture(new RequestRejectedException(Reason.UNAVAILABLE, message, retryAfter));
    }

    private static void join(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.error("{} did not finish within {} s; its pending journal futures complete when its I/O returns",
                    thread.getName(), STOP_WAIT_SECONDS);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
