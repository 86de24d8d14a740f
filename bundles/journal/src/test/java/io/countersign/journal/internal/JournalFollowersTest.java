package io.countersign.journal.internal;

import static io.countersign.journal.internal.Fixtures.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalFollowersTest {

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path directory;

    @Test
    void aFollowerGetsTheDurableHistoryFromItsSeq_thenEveryNewEntry_inOrderAndOnce() throws Exception {
        try (FileJournal journal = FileJournal.open(directory, 64 * 1024)) {
            appendAll(journal, 0, 500);
            List<Long> seen = new CopyOnWriteArrayList<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            try (Journal.Following following = journal.follow(120, entry -> {
                seen.add(entry.seq());
                threads.add(Thread.currentThread().getName());
            })) {
                List<CompletableFuture<JournalEntry>> more = new ArrayList<>();
                for (int i = 500; i < 3_000; i++) {
                    more.add(journal.append("test.event", data(i)));
                }
                CompletableFuture.allOf(more.toArray(CompletableFuture[]::new)).join();
                awaitPosition(following, 3_000);
            }
            assertEquals(expectedSeqs(120, 3_000), seen);
            assertTrue(threads.stream().allMatch(name -> name.startsWith("countersign-journal-follower-")), "" + threads);
        }
    }

    @Test
    void entriesGivenToTheFollowerAreTheJournalsOwn() throws Exception {
        try (FileJournal journal = FileJournal.open(directory, 64 * 1024)) {
            appendAll(journal, 0, 10);
            List<JournalEntry> seen = new CopyOnWriteArrayList<>();
            try (Journal.Following following = journal.follow(0, seen::add)) {
                appendAll(journal, 10, 20);
                awaitPosition(following, 20);
            }
            assertEquals(journal.read(0, 100), seen);
        }
    }

    @Test
    void aFollowerThatFallsBehindItsQueueReadsTheGapFromDisk_andMissesNothing() throws Exception {
        List<JournalEntry> disk = new CopyOnWriteArrayList<>();
        AtomicInteger diskReads = new AtomicInteger();
        JournalFollowers followers = new JournalFollowers((from, to, sink) -> {
            diskReads.incrementAndGet();
            for (long seq = from; seq < to; seq++) {
                sink.accept(disk.get((int) seq));
            }
        }, disk::size, 4);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> seen = new CopyOnWriteArrayList<>();
        Journal.Following following = followers.follow(0, entry -> {
            awaitQuietly(release);
            seen.add(entry.seq());
        });
        for (int seq = 0; seq < 1_000; seq++) {
            JournalEntry entry = entry(seq);
            disk.add(entry);
            followers.published(entry);
        }
        release.countDown();
        awaitPosition(following, 1_000);
        following.close();
        assertEquals(expectedSeqs(0, 1_000), seen);
        assertTrue(diskReads.get() > 0, "the overflowed entries came from disk");
    }

    @Test
    void aConsumerThatThrowsStopsOnlyItsFollower_andTheJournalGoesOn() throws Exception {
        try (FileJournal journal = FileJournal.open(directory, 64 * 1024)) {
            AtomicLong healthyPosition = new AtomicLong();
            Journal.Following failing = journal.follow(0, entry -> {
                if (entry.seq() == 5) {
                    throw new IllegalStateException("consumer broke");
                }
            });
            Journal.Following healthy = journal.follow(0, entry -> healthyPosition.set(entry.seq() + 1));
            appendAll(journal, 0, 50);
            awaitPosition(healthy, 50);
            assertEquals(5, failing.position(), "stopped before the entry it failed on");
            assertEquals(50, journal.size());
            healthy.close();
            failing.close();
        }
    }

    @Test
    void afterClose_theConsumerIsNotCalledAgain() throws Exception {
        try (FileJournal journal = FileJournal.open(directory, 64 * 1024)) {
            AtomicInteger calls = new AtomicInteger();
            Journal.Following following = journal.follow(0, entry -> calls.incrementAndGet());
            appendAll(journal, 0, 10);
            awaitPosition(following, 10);
            following.close();
            appendAll(journal, 10, 20);
            Thread.sleep(300);
            assertEquals(10, calls.get());
            assertEquals(10, following.position());
        }
    }

    private static void appendAll(FileJournal journal, int from, int to) {
        List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            futures.add(journal.append("test.event", data(i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    }

    private static List<Long> expectedSeqs(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long seq = from; seq < to; seq++) {
            seqs.add(seq);
        }
        return seqs;
    }

    private static JournalEntry entry(long seq) {
        return new JournalEntry(seq, Instant.EPOCH, "test.event", data((int) seq), "sha256:", "sha256:");
    }

    private static void awaitPosition(Journal.Following following, long position) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (following.position() < position && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(position, following.position());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
