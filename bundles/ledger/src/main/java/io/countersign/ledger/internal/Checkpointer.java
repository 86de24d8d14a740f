package io.countersign.ledger.internal;

import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.LogKey;
import io.countersign.api.MerkleLog;
import io.countersign.api.Signature;
import io.countersign.api.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs a checkpoint of the journal's Merkle tree whenever {@code maxEntries} entries or {@code intervalMillis} have
 * passed since the last one (and the log grew). Signing runs on its own thread, never on the append path.
 * <p>
 * On start the newest stored checkpoint is checked against the journal: a journal shorter than what was signed, or
 * whose tree at that size has another root, was cut or rewritten, and the ledger refuses to start. A failed write of
 * a checkpoint is retried after the interval; the first failed fsync stops signing until the ledger restarts. The
 * newest good checkpoint is served meanwhile.
 */
@Component(service = Checkpoints.class, configurationPid = "io.countersign.ledger",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = Checkpointer.Config.class)
public final class Checkpointer implements Checkpoints, AutoCloseable {

    @ObjectClassDefinition(name = "Countersign ledger",
            description = "Signed checkpoints over the journal's Merkle tree")
    public @interface Config {
        @AttributeDefinition(description = "Directory holding checkpoints.log; created if missing")
        String directory();

        @AttributeDefinition(description = "Longest time in milliseconds a durable entry waits for a checkpoint")
        long intervalMillis() default 1000;

        @AttributeDefinition(description = "Entries after which a checkpoint is signed without waiting")
        long maxEntries() default 50_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    private static final long TICK_MILLIS = 10;
    private static final int SIGNING_ATTEMPTS = 3;

    private final MerkleLog log;
    private final SigningKeys keys;
    private final CheckpointFile file;
    private final long intervalNanos;
    private final long maxEntries;
    private final Clock clock;
    private final ScheduledExecutorService ticker;
    private volatile long lastSignedNanos = System.nanoTime();
    private long retryNotBeforeNanos = System.nanoTime();

    @Activate
    public Checkpointer(@Reference MerkleLog log, @Reference SigningKeys keys, Config config) throws IOException {
        this(log, keys, CheckpointFile.open(Path.of(config.directory().trim())),
                Duration.ofMillis(config.intervalMillis()), config.maxEntries(), Clock.systemUTC());
    }

    /** Takes over {@code file}: it is closed with this checkpointer, or at once if starting fails. */
    Checkpointer(MerkleLog log, SigningKeys keys, CheckpointFile file, Duration interval, long maxEntries,
                 Clock clock) throws IOException {
        this.log = log;
        this.keys = keys;
        this.file = file;
        this.intervalNanos = interval.toNanos();
        this.maxEntries = maxEntries;
        this.clock = clock;
        try {
            if (interval.isNegative() || interval.isZero() || maxEntries < 1) {
                throw new IllegalArgumentException("intervalMillis and maxEntries must be positive");
            }
            checkAgainstJournal(file.latest());
            signNow();
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "countersign-checkpointer");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Opens the checkpoints outside OSGi, for tools and tests; {@link #close()} it when done. */
    public static Checkpointer open(MerkleLog log, SigningKeys keys, Path directory, Duration interval,
                                    long maxEntries) throws IOException {
        return new Checkpointer(log, keys, CheckpointFile.open(directory), interval, maxEntries, Clock.systemUTC());
    }

    private void checkAgainstJournal(Checkpoint last) {
        if (last == null) {
            return;
        }
        if (!last.origin().equals(keys.origin())) {
            throw new IllegalStateException("the stored checkpoints are of log '" + last.origin()
                    + "' but the signing keys are of log '" + keys.origin() + "'");
        }
        LogKey key = key(last.keyId()).orElseThrow(() ->
                new IllegalStateException("the newest stored checkpoint is signed by unknown key " + last.keyId()));
        if (!keys.verify(key.keyId(), CheckpointNote.signedBytes(last), CheckpointNote.signatureOf(last))) {
            throw new IllegalStateException("the newest stored checkpoint (size " + last.size()
                    + ") does not verify under key " + key.keyId());
        }
        long size = log.size();
        if (size < last.size()) {
            throw new IllegalStateException("the journal holds " + size + " entries but a checkpoint of "
                    + last.size() + " entries was signed: signed entries are missing from the journal");
        }
        if (!MessageDigest.isEqual(log.root(last.size()), last.root())) {
            throw new IllegalStateException("the journal's first " + last.size() + " entries do not hash to the root"
                    + " of the checkpoint signed for them: the journal was rewritten");
        }
    }

    private Optional<LogKey> key(String keyId) {
        return keys.keys().stream().filter(candidate -> candidate.keyId().equals(keyId)).findFirst();
    }

    private void tick() {
        if (System.nanoTime() - retryNotBeforeNanos < 0 || !isDue()) {
            return;
        }
        try {
            signNow();
        } catch (RuntimeException e) {
            if (!file.isWritable()) {
                ticker.shutdown(); // the file has logged why; signing stays stopped until the ledger restarts
                return;
            }
            retryNotBeforeNanos = System.nanoTime() + intervalNanos;
            LOG.error("Signing a checkpoint failed; retrying in {} ms", TimeUnit.NANOSECONDS.toMillis(intervalNanos),
                    e);
        }
    }

    private boolean isDue() {
        Checkpoint latest = file.latest();
        long signed = latest == null ? -1 : latest.size();
        long size = log.size();
        return size > signed && (size - Math.max(signed, 0) >= maxEntries
                || System.nanoTime() - lastSignedNanos >= intervalNanos);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if checkpoints can no longer be written (the first failed write or fsync is
     *         final), or if no key was current at the checkpoint's time
     */
    @Override
    public synchronized Checkpoint signNow() {
        file.requireWritable();
        Checkpoint latest = file.latest();
        long size = log.size();
        if (latest != null && latest.size() >= size) {
            return latest;
        }
        Checkpoint checkpoint = sign(size, log.root(size), latest);
        file.append(checkpoint);
        lastSignedNanos = System.nanoTime();
        return checkpoint;
    }

    /**
     * A key rotating between reading the clock and signing would pair the time with a key that was not current then
     * (a new key's {@code createdAt} is rounded down to the second), and the checkpoint would be rejected; such a
     * signature is thrown away and the clock read again.
     */
    private Checkpoint sign(long size, byte[] root, Checkpoint latest) {
        String origin = keys.origin();
        for (int attempt = 0; attempt < SIGNING_ATTEMPTS; attempt++) {
            Instant time = timeNotBefore(latest);
            Signature signature = keys.sign(CheckpointNote.text(origin, size, root, time)
                    .getBytes(StandardCharsets.UTF_8));
            if (key(signature.keyId()).filter(signer -> signer.wasCurrentAt(time)).isPresent()) {
                return CheckpointNote.signed(origin, size, root, time, signature);
            }
        }
        throw new IllegalStateException("the checkpoint of size " + size + " was signed " + SIGNING_ATTEMPTS
                + " times by a key that was not current at its time; is the clock behind the newest key's createdAt?");
    }

    /** Now, unless the clock stepped back behind the newest checkpoint: times never decrease along the log. */
    private Instant timeNotBefore(Checkpoint latest) {
        Instant now = clock.instant();
        return latest != null && now.isBefore(latest.time()) ? latest.time() : now;
    }

    @Override
    public Optional<Checkpoint> latest() {
        return Optional.ofNullable(file.latest());
    }

    @Override
    public Optional<Checkpoint> covering(long seq) {
        try {
            return Optional.ofNullable(file.covering(seq));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Checkpoint> ofSize(long size) {
        try {
            return Optional.ofNullable(file.ofSize(size));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Deactivate
    @Override
    public void close() throws IOException {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        file.close();
    }
}
