package io.countersign.audit.fabric.internal;

import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.Journal;
import io.countersign.api.SigningKeys;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anchors the journal on Fabric, batch after batch, on one thread, with one transaction in flight.
 * <p>
 * Nothing is queued: the backlog is the journal itself, and the anchored position is Fabric's head, read at start
 * and after every failure (an {@code overlap}, a timeout: whatever left the outcome unknown). Where the head moved
 * past what this process knows, the segments anchored since are compared with the journal entry by entry: equal,
 * they were ours and their {@code anchor.confirmed} entries are journaled, once and in order; different, anchoring
 * stops in state {@code conflict}. Intake never waits for any of this.
 */
public final class Anchorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Anchorer.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Journal journal;
    private final Checkpoints checkpoints;
    private final AnchorLedger ledger;
    private final AnchorSettings settings;
    private final String origin;
    private final BatchPlanner planner;
    private final Reconciler reconciler;
    private final KeyRegistration keyRegistration;
    private final Backoff backoff;
    private final Clock clock;
    private final CommitListener listener;

    /** Whether {@link #anchored} is Fabric's head as last read, with every transaction up to it recorded. */
    private boolean synced;
    /** Whether every transaction up to {@link #anchored} is recorded in the journal (else the journal is asked). */
    private boolean anchoredKnown;
    private long anchored;
    private volatile Progress progress;
    private volatile boolean closed;
    private final CountDownLatch closing = new CountDownLatch(1);
    private Thread thread;

    Anchorer(Journal journal, Checkpoints checkpoints, SigningKeys keys, AnchorLedger ledger, AnchorSettings settings,
             Clock clock, CommitListener listener) {
        this.journal = journal;
        this.checkpoints = checkpoints;
        this.ledger = ledger;
        this.settings = settings;
        this.origin = keys.origin();
        this.planner = new BatchPlanner(journal, checkpoints, settings.maxBatchEntries());
        this.reconciler = new Reconciler(journal, checkpoints, ledger, origin, settings);
        this.keyRegistration = new KeyRegistration(keys, ledger);
        this.backoff = new Backoff(settings.retryInitial(), settings.retryMax());
        this.clock = clock;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.progress = new Progress(AnchorState.UNREACHABLE, -1, null, -1, null, null);
    }

    /**
     * Starts anchoring outside OSGi (the benchmark, tools); {@link #close()} it when done. {@code listener} hears of
     * every committed batch.
     *
     * @throws IllegalArgumentException if a certificate or key file does not hold what it should
     */
    public static Anchorer open(Journal journal, Checkpoints checkpoints, SigningKeys keys, AnchorOptions options,
                                CommitListener listener) throws IOException, GeneralSecurityException {
        FabricGatewayLedger ledger = FabricGatewayLedger.connect(options);
        Anchorer anchorer = new Anchorer(journal, checkpoints, keys, ledger, AnchorSettings.from(options),
                Clock.systemUTC(), listener);
        anchorer.start();
        return anchorer;
    }

    void start() {
        thread = new Thread(this::run, "countersign-fabric-anchoring");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        // gRPC and the Fabric client look up providers through the context class loader: this bundle's, not Karaf's
        Thread.currentThread().setContextClassLoader(Anchorer.class.getClassLoader());
        while (!closed) {
            Optional<Duration> delay = step();
            if (delay.isEmpty()) {
                return;
            }
            try {
                if (closing.await(delay.get().toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One window: catch up with Fabric's head if needed, then anchor one batch. Returns how long to wait before the
     * next window, or nothing once anchoring has stopped (a conflict, or closing).
     */
    Optional<Duration> step() {
        if (progress.state() == AnchorState.CONFLICT || closed) {
            return Optional.empty();
        }
        long started = System.nanoTime();
        try {
            if (!synced) {
                synchronise();
            }
            boolean more = anchorNextBatch();
            backoff.reset();
            Duration rest = settings.window().minusNanos(System.nanoTime() - started);
            return Optional.of(more || rest.isNegative() ? Duration.ZERO : rest);
        } catch (ConflictException e) {
            LOG.error("Anchoring on Fabric (channel '{}', chaincode '{}') stopped: {}. Nothing more is anchored "
                    + "until the conflict is resolved and Countersign restarted", settings.channel(),
                    settings.chaincode(), e.getMessage());
            progress = progress.failed(AnchorState.CONFLICT, e.getMessage());
            return Optional.empty();
        } catch (FabricException e) {
            synced = false;
            if (closed) {
                return Optional.empty();
            }
            return Optional.of(retryAfter(e.kind() == FabricException.Kind.UNREACHABLE
                    ? AnchorState.UNREACHABLE : AnchorState.FAILING, e.getMessage(), null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (RuntimeException e) {
            // the journal or the checkpoints failed; whether a confirmation was written is unknown until re-read
            synced = false;
            anchoredKnown = false;
            if (closed) {
                return Optional.empty();
            }
            return Optional.of(retryAfter(AnchorState.FAILING, String.valueOf(e.getMessage()), e));
        }
    }

    private Duration retryAfter(AnchorState state, String error, Exception cause) {
        Duration delay = backoff.next();
        String message = "Anchoring on Fabric failed ({}): {}; retrying in {} ms";
        if (state != progress.state() || !error.equals(progress.lastError())) {
            LOG.warn(message, state.label(), error, delay.toMillis(), cause);
        } else {
            LOG.debug(message, state.label(), error, delay.toMillis(), cause);
        }
        progress = progress.failed(state, error);
        return delay;
    }

    /** Reads Fabric's head, checks it against the journal, records what was anchored but not yet confirmed. */
    private void synchronise() throws FabricException, ConflictException, InterruptedException {
        AnchorHead head = ledger.head(origin);
        reconciler.checkHead(head);
        if (!anchoredKnown) {
            anchored = reconciler.journaledPosition(head);
            anchoredKnown = true;
        } else if (anchored > head.size()) {
            throw new ConflictException("Fabric's head of '" + origin + "' went back from " + anchored + " to "
                    + head.size() + " entries");
        }
        for (Reconciler.AnchoredTransaction transaction : reconciler.anchoredBetween(anchored, head.size())) {
            long block = ledger.blockOf(transaction.txId());
            AnchoredSegment last = transaction.last();
            record(transaction.from(), transaction.to(), transaction.onlyConfirmations(), new Confirmation(
                    transaction.from(), transaction.to(), transaction.checkpointSizes(), last.root(),
                    settings.channel(), settings.chaincode(), transaction.txId(), block, last.mspId()));
            LOG.info("Fabric transaction {} (block {}) had anchored entries {} to {} of '{}'{}", transaction.txId(),
                    block, transaction.from(), transaction.to(), origin, transaction.onlyConfirmations()
                            ? " (confirmations only: nothing to journal)" : "; journaled its confirmation");
        }
        keyRegistration.ensureRegistered();
        synced = true;
    }

    /** Anchors one batch if anything signed is not anchored; returns whether more is waiting. */
    private boolean anchorNextBatch() throws FabricException, ConflictException, InterruptedException {
        long target = checkpoints.latest().map(Checkpoint::size).orElse(0L);
        if (target <= anchored) {
            progress = progress.succeeded(AnchorState.ANCHORING, anchored);
            return false;
        }
        keyRegistration.ensureRegistered();
        Batch batch = planner.plan(anchored, target);
        AnchorTransaction transaction;
        try {
            transaction = ledger.anchor(batch.toJson(origin));
        } catch (FabricException e) {
            if (e.refusedWith("root-mismatch")) {
                throw new ConflictException("Fabric refused entries " + batch.from() + " to " + batch.to()
                        + " because they do not extend its anchored tree: " + e.getMessage());
            }
            if (e.refusedWith("not-registered") || e.refusedWith("bad-checkpoint")) {
                keyRegistration.forget();
            }
            throw e;
        }
        record(batch.from(), batch.to(), batch.onlyConfirmations(), new Confirmation(batch.from(), batch.to(),
                batch.checkpointSizes(), batch.lastCheckpoint().root(), settings.channel(), settings.chaincode(),
                transaction.txId(), transaction.block(), settings.mspId()));
        boolean more = anchored < target;
        progress = progress.succeeded(more ? AnchorState.BACKLOGGED : AnchorState.ANCHORING, anchored);
        return more;
    }

    /** Journals the confirmation of a committed batch (unless it held only confirmations) and moves on past it. */
    private void record(long from, long to, boolean onlyConfirmations, Confirmation confirmation)
            throws InterruptedException {
        if (!onlyConfirmations) {
            try {
                journal.append(Confirmation.TYPE, confirmation.toJson()).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("journaling anchor.confirmed for Fabric transaction "
                        + confirmation.txId() + " failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        anchored = to;
        Instant now = clock.instant();
        progress = progress.committed(to, confirmation.txId(), confirmation.block(), now);
        LOG.debug("Anchored entries {} to {} of '{}' in Fabric transaction {} (block {})", from, to, origin,
                confirmation.txId(), confirmation.block());
        try {
            listener.committed(new AnchorCommit(from, to, confirmation.txId(), confirmation.block(), now,
                    !onlyConfirmations));
        } catch (RuntimeException e) {
            LOG.warn("A commit listener failed", e);
        }
    }

    public AnchorStatus status() {
        Progress current = progress;
        long journalSize = journal.size();
        long checkpointSize = checkpoints.latest().map(Checkpoint::size).orElse(0L);
        return new AnchorStatus(current.state(), current.anchoredSize(), journalSize, checkpointSize,
                current.lastTxId(), current.lastBlock(), current.lastAnchoredAt(), current.lastError(),
                settings.channel(), settings.chaincode(), settings.mspId());
    }

    /**
     * Stops anchoring. The thread is not interrupted (an interrupt closes whatever NIO channel it is reading the
     * journal through); closing the connection ends a call to Fabric in progress instead.
     */
    @Override
    public void close() {
        closed = true;
        closing.countDown();
        ledger.close();
        if (thread != null) {
            try {
                thread.join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the anchoring thread last did, published whole to status readers. */
    private record Progress(AnchorState state, long anchoredSize, String lastTxId, long lastBlock,
                            Instant lastAnchoredAt, String lastError) {

        Progress succeeded(AnchorState newState, long size) {
            return new Progress(newState, size, lastTxId, lastBlock, lastAnchoredAt, null);
        }

        Progress committed(long size, String txId, long block, Instant at) {
            return new Progress(state, size, txId, block, at, lastError);
        }

        Progress failed(AnchorState newState, String error) {
            return new Progress(newState, anchoredSize, lastTxId, lastBlock, lastAnchoredAt, error);
        }
    }
}
