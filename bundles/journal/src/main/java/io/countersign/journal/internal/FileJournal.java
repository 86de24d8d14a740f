package io.countersign.journal.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.MerkleLog;
import io.countersign.api.health.Readiness;
import io.countersign.api.health.ReadinessCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link Journal} and {@link MerkleLog} services over a {@link JournalStore} in the configured directory, and its
 * {@link ReadinessCheck}: not ready while a failed write is retried ({@code journal-unavailable}) and after a failed
 * fsync ({@code journal-failed}). If the journal cannot be opened at start (too little space, unreadable, locked by
 * another process, damaged) the process ends with one line saying why ({@link StartupFailure}).
 */
@Component(service = {Journal.class, MerkleLog.class, ReadinessCheck.class},
        configurationPid = "io.countersign.journal", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = Config.class)
public final class FileJournal implements Journal, MerkleLog, ReadinessCheck, AutoCloseable {

    static final String COMPONENT = "journal";

    /** Whether a journal was opened in this bundle's life: only a failure before that is a failed start. */
    private static final AtomicBoolean OPENED = new AtomicBoolean();

    private volatile JournalStore store;

    @Activate
    void activate(Config config) throws IOException {
        JournalOptions options = options(config);
        try {
            store = JournalStore.open(options);
            OPENED.set(true);
        } catch (IOException | RuntimeException e) {
            if (config.exitOnOpenFailure() && !OPENED.get()) {
                StartupFailure.exit(StartupFailure.describe(options.directory().toAbsolutePath(), e), e);
            }
            throw e;
        }
    }

    /**
     * Opens a journal outside OSGi, for tools and other bundles' tests; {@link #close()} it when done.
     *
     * @param segmentBytes size each segment file is preallocated to
     */
    public static FileJournal open(Path directory, long segmentBytes) throws IOException {
        FileJournal journal = new FileJournal();
        journal.store = JournalStore.open(JournalOptions.defaults(directory).withSegmentBytes(segmentBytes));
        return journal;
    }

    /**
     * Opens a journal outside OSGi verifying every record and recomputing the whole Merkle tree, whatever its seal
     * says ({@code verifyOnOpen=full}): for tools that check a journal; {@link #close()} it when done.
     */
    public static FileJournal openVerifyingEverything(Path directory) throws IOException {
        JournalOptions.SealOptions seal = JournalOptions.SealOptions.DEFAULT;
        FileJournal journal = new FileJournal();
        journal.store = JournalStore.open(JournalOptions.defaults(directory).withSeal(new JournalOptions.SealOptions(
                seal.everyEntries(), seal.every(), true, seal.scrubEntriesPerSecond(), seal.scrubDelay())));
        return journal;
    }

    /**
     * Opens a journal outside OSGi that stamps its entries with {@code clock} (the restart benchmark writes a simulated
     * day of history); {@link #close()} it when done.
     */
    public static FileJournal open(Path directory, Clock clock) throws IOException {
        FileJournal journal = new FileJournal();
        journal.store = JournalStore.open(JournalOptions.defaults(directory).withClock(clock));
        return journal;
    }

    @Deactivate
    @Override
    public void close() {
        store.close();
    }

    static JournalOptions options(Config config) {
        String directory = config.directory();
        if (directory == null || directory.isBlank()) {
            throw new IllegalArgumentException("the journal configuration must set 'directory'");
        }
        return JournalOptions.defaults(Path.of(directory.trim())).withMaxBatch(config.maxBatch())
                .withSegmentBytes(config.segmentBytes()).withQueueCapacity(config.queueCapacity())
                .withRetry(Duration.ofMillis(config.retryMinMillis()), Duration.ofMillis(config.retryMaxMillis()))
                .withSeal(new JournalOptions.SealOptions(config.sealEveryEntries(),
                        Duration.ofMillis(config.sealEveryMillis()), verifyFullOnOpen(config.verifyOnOpen()),
                        config.scrubEntriesPerSecond(), Duration.ofSeconds(config.scrubDelaySeconds())));
    }

    private static boolean verifyFullOnOpen(String verifyOnOpen) {
        String value = verifyOnOpen == null ? "sealed" : verifyOnOpen.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "sealed" -> false;
            case "full" -> true;
            default -> throw new IllegalArgumentException("verifyOnOpen must be 'sealed' or 'full', not '"
                    + verifyOnOpen + "'");
        };
    }

    @Override
    public Readiness readiness() {
        JournalStore current = store;
        if (current == null) {
            return Readiness.notReady(COMPONENT, "starting", "the journal is being opened", Duration.ofSeconds(1),
                    null);
        }
        return readiness(current.health());
    }

    @Override
    public boolean isReady() {
        JournalStore current = store;
        return current != null && current.isWriting();
    }

    /** The details are served to anyone: the problem's text (paths, I/O errors) is only in the detail, logged. */
    static Readiness readiness(JournalStore.Health health) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("state", health.state().name().toLowerCase(Locale.ROOT));
        details.put("size", health.size());
        details.put("queued", health.queued());
        if (health.since() != null) {
            details.put("since", health.since().toString());
        }
        if (health.attempts() > 0) {
            details.put("failedAttempts", health.attempts());
        }
        if (health.spareProblem() != null) {
            details.put("spareSegment", "not prepared");
        }
        return switch (health.state()) {
            case WRITING -> Readiness.ready(COMPONENT, details);
            case RETRYING -> Readiness.notReady(COMPONENT, "journal-unavailable", "the journal cannot write ("
                    + health.problem() + "); it retries with backoff and the node serves again once a write"
                    + " succeeds", health.retryAfter(), details);
            case FAILED -> Readiness.notReady(COMPONENT, "journal-failed", "the journal failed for good ("
                    + health.problem() + "); it refuses every append until Countersign is restarted",
                    health.retryAfter(), details);
            case CLOSED -> Readiness.notReady(COMPONENT, "journal-unavailable", "the journal is closed",
                    health.retryAfter(), details);
        };
    }

    @Override
    public CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
        return store.append(type, data);
    }

    @Override
    public void replay(long fromSeq, Consumer<JournalEntry> consumer) {
        store.replay(fromSeq, consumer);
    }

    @Override
    public List<JournalEntry> read(long fromSeq, int limit) {
        return store.read(fromSeq, limit);
    }

    @Override
    public Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
        return store.follow(fromSeq, consumer);
    }

    /** The number of durable entries, which is also the size of the Merkle tree. */
    @Override
    public long size() {
        return store.size();
    }

    @Override
    public byte[] root(long size) {
        return store.merkle().root(size);
    }

    @Override
    public byte[] leafHash(long index) {
        return store.merkle().leafHash(index);
    }

    @Override
    public List<byte[]> inclusionProof(long index, long size) {
        return store.merkle().inclusionProof(index, size);
    }

    @Override
    public List<byte[]> consistencyProof(long fromSize, long toSize) {
        return store.merkle().consistencyProof(fromSize, toSize);
    }
}
