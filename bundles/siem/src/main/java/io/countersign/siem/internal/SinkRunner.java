package io.countersign.siem.internal;

import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the journal to one transport, in journal order and at least once, on a thread of its own: it reads
 * durable entries from its cursor with {@link Journal#read}, so the journal is the backlog and the approval path
 * never waits for a SIEM. The cursor is persisted only for what the receiver confirmed; after any failure (or a
 * restart) everything from the cursor is sent again, so duplicates are possible for what was sent and not yet
 * confirmed, and nothing is skipped.
 */
final class SinkRunner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);

    /**
     * How a runner reads, retries and waits. {@code cursorMillis}: while delivering, the cursor is persisted at most
     * this often (each write is two fsyncs, which bounded throughput when done per batch); it is always persisted
     * once caught up and when the runner stops, so only a crash while delivering resends up to this much more.
     * {@code niceness}: the runner thread's nice value on Linux (0 leaves it), so that catching up yields the CPU to
     * the approval path ({@link ThreadNiceness}).
     */
    record Settings(int batchSize, long pollMillis, long retryInitialMillis, long retryMaxMillis, long cursorMillis,
                    int niceness) {
        Settings(int batchSize, long pollMillis, long retryInitialMillis, long retryMaxMillis) {
            this(batchSize, pollMillis, retryInitialMillis, retryMaxMillis, 0, 0);
        }

        Settings(int batchSize, long pollMillis, long retryInitialMillis, long retryMaxMillis, long cursorMillis) {
            this(batchSize, pollMillis, retryInitialMillis, retryMaxMillis, cursorMillis, 0);
        }
    }

    private final String name;
    private final Journal journal;
    private final EventFormat format;
    private final Transport transport;
    private final String transportName;
    private final Cursor cursor;
    private final Settings settings;
    private final Clock clock;
    private final Backoff backoff;
    private final Object lock = new Object();

    private volatile boolean running = true;
    private volatile Thread thread;
    // guarded by lock (written by the runner thread, read by status())
    private String state = "starting";
    private long confirmed;
    private long next;
    private Instant lastConfirmedAt;
    private String lastError;
    private Instant lastErrorAt;
    private long retries;
    // runner thread only: what the cursor file says, and when it was last written
    private long persisted;
    private String confirmedHash;
    private long persistedAtNanos;

    SinkRunner(String name, Journal journal, EventFormat format, Transport transport, String transportName,
               Cursor cursor, Settings settings, Clock clock) {
        this.name = name;
        this.journal = journal;
        this.format = format;
        this.transport = transport;
        this.transportName = transportName;
        this.cursor = cursor;
        this.settings = settings;
        this.clock = clock;
        this.backoff = new Backoff(settings.retryInitialMillis(), settings.retryMaxMillis());
    }

    /** Starts the runner on a daemon thread of its own. */
    SinkRunner start() {
        Thread t = new Thread(this, "countersign-siem-" + name);
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    @Override
    public void run() {
        if (settings.niceness() > 0) {
            String unchanged = ThreadNiceness.lower(settings.niceness());
            if (unchanged != null) {
                LOG.info("SIEM sink '{}' runs at the normal CPU priority: {}", name, unchanged);
            }
        }
        try {
            open();
            while (running) {
                if (!step()) {
                    sleep(settings.pollMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("SIEM sink '{}' stopped: {}", name, e.toString(), e);
                failed(e);
            } else {
                // close() interrupted a journal read or a write: that is how a sink stops, not a failure
                LOG.info("SIEM sink '{}' stopped during a read or send ({})", name, e.toString());
            }
        } finally {
            persistQuietly();
            transport.close();
            synchronized (lock) {
                state = "stopped";
            }
        }
    }

    void open() throws IOException {
        Cursor.Position position = cursor.read();
        if (position.next() > 0) {
            List<JournalEntry> last = journal.read(position.next() - 1, 1);
            if (last.isEmpty() || !last.get(0).hash().equals(position.lastHash())) {
                throw new IOException("the cursor " + cursor.file() + " (" + position.next() + ", "
                        + position.lastHash() + ") is not a position in this journal; delete it to export from 0");
            }
        }
        synchronized (lock) {
            confirmed = position.next();
            next = confirmed;
        }
        persisted = position.next();
        confirmedHash = position.lastHash();
        persistedAtNanos = System.nanoTime();
        LOG.info("SIEM sink '{}' ({} over {} to {}) starts at seq {} of {}", name, format.name(), transportName,
                transport.target(), position.next(), journal.size());
    }

    /**
     * One round: send the next batch, or, with nothing new, ask the transport what it now confirms. False when there
     * was nothing to send (the caller waits {@code pollMillis}).
     */
    boolean step() throws InterruptedException, IOException {
        long from;
        synchronized (lock) {
            from = next;
        }
        List<JournalEntry> entries = from < journal.size() ? journal.read(from, settings.batchSize()) : List.of();
        try {
            if (entries.isEmpty()) {
                advance(transport.confirmed(), null);
                synchronized (lock) {
                    state = confirmed == next ? "caught-up" : "delivering";
                }
                return false;
            }
            List<SiemEvent> events = new ArrayList<>(entries.size());
            for (JournalEntry entry : entries) {
                events.add(new SiemEvent(entry.seq(), entry.hash(), entry.time(), entry.type(),
                        OcsfFormat.severity(entry.type(), entry.data()), format.format(entry)));
            }
            long upTo = transport.send(events);
            synchronized (lock) {
                next = from + entries.size();
                state = "delivering";
            }
            advance(upTo, entries);
            backoff.reset();
            return true;
        } catch (IOException e) {
            long wait = e instanceof Transport.RetryLater later ? Math.max(later.millis(), backoff.next())
                    : backoff.next();
            failed(e);
            LOG.warn("SIEM sink '{}': {}; sending again from seq {} in {} ms", name, e.toString(), confirmedSeq(),
                    wait);
            synchronized (lock) {
                next = confirmed;
                state = "retrying";
            }
            sleep(wait);
            return true;
        }
    }

    /**
     * Takes {@code upTo} as confirmed when it moved on, and persists the cursor when {@code cursorMillis} passed
     * since the last write or the sink is idle ({@code batch} null).
     */
    private void advance(long upTo, List<JournalEntry> batch) throws IOException {
        long current;
        synchronized (lock) {
            current = confirmed;
        }
        if (upTo > current) {
            confirmedHash = hashOf(upTo - 1, batch);
            synchronized (lock) {
                confirmed = upTo;
                lastConfirmedAt = clock.instant();
            }
            current = upTo;
        }
        if (current > persisted && (batch == null
                || System.nanoTime() - persistedAtNanos >= settings.cursorMillis() * 1_000_000L)) {
            cursor.write(new Cursor.Position(current, confirmedHash));
            persisted = current;
            persistedAtNanos = System.nanoTime();
        }
    }

    private void persistQuietly() {
        long current;
        synchronized (lock) {
            current = confirmed;
        }
        if (current > persisted && confirmedHash != null) {
            // close() interrupts this thread, and an interrupted thread's FileChannel refuses to write
            boolean interrupted = Thread.interrupted();
            try {
                cursor.write(new Cursor.Position(current, confirmedHash));
                persisted = current;
            } catch (IOException e) {
                LOG.warn("SIEM sink '{}': could not persist the cursor at {} ({}); it resends from {}", name,
                        current, e.toString(), persisted);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private String hashOf(long seq, List<JournalEntry> batch) {
        if (batch != null && !batch.isEmpty() && seq >= batch.get(0).seq()
                && seq <= batch.get(batch.size() - 1).seq()) {
            return batch.get((int) (seq - batch.get(0).seq())).hash();
        }
        return journal.read(seq, 1).get(0).hash();
    }

    private void failed(Exception e) {
        synchronized (lock) {
            lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            lastErrorAt = clock.instant();
            retries++;
        }
    }

    private long confirmedSeq() {
        synchronized (lock) {
            return confirmed;
        }
    }

    private void sleep(long millis) throws InterruptedException {
        if (running) {
            Thread.sleep(millis);
        }
    }

    SinkStatus status() {
        long size = journal.size();
        synchronized (lock) {
            return new SinkStatus(name, format.name(), transportName, transport.target(), state, confirmed, next,
                    size, Math.max(0, size - confirmed), lastConfirmedAt, lastError, lastErrorAt, retries);
        }
    }

    /** Stops the thread (after the call in progress) and closes the transport. */
    void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2_000);
                if (t.isAlive()) {
                    // blocked in a write to a receiver that stopped reading: closing the connection ends it
                    transport.close();
                    t.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            transport.close();
        }
    }
}
