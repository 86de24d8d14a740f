package io.countersign.journal.internal;

import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's followers ({@link Journal#follow}): each runs on a thread of its own, reads what is already durable
 * from disk, then takes the entries the completer hands over as they become durable, so following the live edge costs
 * no disk read and no parse. A follower that falls behind (its queue is full) misses entries on purpose and reads the
 * gap back from disk: a slow follower never slows the journal.
 */
final class JournalFollowers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalFollowers.class);
    static final int QUEUE_CAPACITY = 64 * 1024;
    private static final long IDLE_POLL_MILLIS = 200;
    private static final long STOP_WAIT_MILLIS = 10_000;

    /** Reads durable entries {@code [from, to)} from disk. */
    interface DiskReader {
        void read(long from, long to, Consumer<JournalEntry> sink);
    }

    private final DiskReader disk;
    private final LongSupplier durable;
    private final int queueCapacity;
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final AtomicInteger created = new AtomicInteger();

    JournalFollowers(DiskReader disk, LongSupplier durable) {
        this(disk, durable, QUEUE_CAPACITY);
    }

    JournalFollowers(DiskReader disk, LongSupplier durable, int queueCapacity) {
        this.disk = disk;
        this.durable = durable;
        this.queueCapacity = queueCapacity;
    }

    Journal.Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (fromSeq < 0) {
            throw new IllegalArgumentException("fromSeq must not be negative: " + fromSeq);
        }
        Follower follower = new Follower(fromSeq, consumer, "countersign-journal-follower-" + created.incrementAndGet());
        // Registered before its thread reads from disk, so nothing made durable meanwhile can fall between the two.
        followers.add(follower);
        follower.thread.start();
        return follower;
    }

    /** Called by the completer with each entry once it is durable, in journal order. */
    void published(JournalEntry entry) {
        for (Follower follower : followers) {
            follower.offer(entry);
        }
    }

    /** Stops every follower still running. */
    @Override
    public void close() {
        for (Follower follower : followers) {
            follower.close();
        }
    }

    private final class Follower implements Journal.Following, Runnable {

        private final Consumer<JournalEntry> consumer;
        private final BlockingQueue<JournalEntry> queue = new ArrayBlockingQueue<>(queueCapacity);
        private final Thread thread;
        private volatile long position;
        private volatile boolean stopped;

        Follower(long fromSeq, Consumer<JournalEntry> consumer, String name) {
            this.position = fromSeq;
            this.consumer = consumer;
            this.thread = new Thread(this, name);
            this.thread.setDaemon(true);
        }

        void offer(JournalEntry entry) {
            if (!stopped && entry.seq() >= position) {
                queue.offer(entry); // when full, the entry is read back from disk later (a gap in seqs)
            }
        }

        @Override
        public void run() {
            try {
                catchUp(durable.getAsLong());
                while (!stopped) {
                    JournalEntry entry = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (entry == null) {
                        catchUp(durable.getAsLong());
                    } else if (entry.seq() >= position) {
                        catchUp(entry.seq());
                        deliver(entry);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Stopped e) {
                // closed while reading from disk
            } catch (RuntimeException | Error e) {
                LOG.error("{} stopped at seq {}: its consumer or a read failed", thread.getName(), position, e);
            } finally {
                stopped = true;
                followers.remove(this);
                queue.clear();
            }
        }

        private void catchUp(long to) {
            if (position < to) {
                disk.read(position, to, this::deliver);
            }
        }

        private void deliver(JournalEntry entry) {
            if (stopped) {
                throw new Stopped();
            }
            if (entry.seq() != position) {
                throw new IllegalStateException("follower expected seq " + position + " but got " + entry.seq());
            }
            consumer.accept(entry);
            position = entry.seq() + 1;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void close() {
            stopped = true;
            if (Thread.currentThread() == thread) {
                return;
            }
            // Not interrupted: the consumer may be writing files, and an interrupt closes their channels.
            try {
                thread.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Unwinds a disk read when its follower was closed. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }
}
