package io.countersign.journal.internal;

import static io.countersign.journal.internal.Fixtures.appendAll;
import static io.countersign.journal.internal.Fixtures.assertSameEntries;
import static io.countersign.journal.internal.Fixtures.assertSameEntry;
import static io.countersign.journal.internal.Fixtures.await;
import static io.countersign.journal.internal.Fixtures.data;
import static io.countersign.journal.internal.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.JournalEntry;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.health.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed write (a full disk) is retried until it succeeds: nothing acknowledged is lost, nothing is written twice,
 * the appends taken meanwhile are written once space returns, and the node needs no restart. A failed fsync stays
 * final.
 */
class WriteRecoveryTest {

    private static final Duration RETRY_MIN = Duration.ofMillis(5);
    private static final Duration RETRY_MAX = Duration.ofMillis(40);

    @TempDir
    Path directory;

    private JournalOptions options(FullDisk disk) {
        // 1 KiB segments: a few entries each, so the writer rolls (and needs a spare) all the time
        return small(directory).withOpener(disk).withRetry(RETRY_MIN, RETRY_MAX).withMaxBatch(8);
    }

    @Test
    void whenTheSpareCannotBePrepared_theRollIsRetried_andEveryAppendIsWrittenOnceSpaceReturns() throws Exception {
        FullDisk disk = new FullDisk();
        List<JournalEntry> acknowledged = new ArrayList<>();
        try (JournalStore store = JournalStore.open(options(disk))) {
            acknowledged.addAll(appendAll(store, 0, 10));

            disk.fill(SegmentFiles.SPARE);
            List<CompletableFuture<JournalEntry>> waiting = appendEach(store, 10, 60);
            awaitState(store, JournalStore.State.RETRYING);
            assertTrue(waiting.stream().anyMatch(f -> !f.isDone()), "appends wait while the roll cannot happen");
            assertTrue(waiting.stream().noneMatch(CompletableFuture::isCompletedExceptionally),
                    "a failed write fails no append");
            JournalStore.Health health = store.health();
            assertTrue(health.problem().contains(FullDisk.ENOSPC), health.problem());
            assertTrue(health.retryAfter().compareTo(RETRY_MAX) <= 0, "the wait is the backoff: " + health);
            assertTrue(health.spareProblem() != null && health.spareProblem().contains(FullDisk.ENOSPC),
                    "the spare's problem is reported: " + health);

            disk.free();
            for (CompletableFuture<JournalEntry> future : waiting) {
                acknowledged.add(await(future));
            }
            awaitState(store, JournalStore.State.WRITING);
            assertEquals(60, store.size());
            acknowledged.addAll(appendAll(store, 60, 10));
            assertContiguousAndOnce(acknowledged, 70);
            assertSameEntries(acknowledged, store.read(0, 100));
            assertTreeMatches(store, acknowledged);
        }
        assertReopensWithExactly(acknowledged);
    }

    @Test
    void whenTheTreeCannotGrow_theDurableRecordsAreNotWrittenAgain_andTheTreeIsRebuiltFromItsLastPublish()
            throws Exception {
        FullDisk disk = new FullDisk();
        List<JournalEntry> acknowledged = new ArrayList<>();
        try (JournalStore store = JournalStore.open(options(disk).withSegmentBytes(64 * 1024))) {
            acknowledged.addAll(appendAll(store, 0, 5));

            disk.fill(MerkleTree.FILE);
            List<CompletableFuture<JournalEntry>> waiting = appendEach(store, 5, 200);
            awaitState(store, JournalStore.State.RETRYING);
            int segmentWrites = disk.segmentWrites.get();
            Thread.sleep(3 * RETRY_MAX.toMillis());
            assertEquals(5, store.size(), "nothing is acknowledged while the tree cannot be updated");
            assertTrue(disk.refusedWrites.get() > 1, "the tree update was retried");
            assertEquals(segmentWrites, disk.segmentWrites.get(), "records already durable are not written again");

            disk.free();
            for (CompletableFuture<JournalEntry> future : waiting) {
                acknowledged.add(await(future));
            }
            assertNull(store.health().problem());
            assertContiguousAndOnce(acknowledged, 200);
            assertTreeMatches(store, acknowledged);
        }
        assertReopensWithExactly(acknowledged);
    }

    @Test
    void whenASegmentWriteFailsPartWay_theRetryWritesTheSameBytesInTheSamePlace() throws Exception {
        FullDisk disk = new FullDisk();
        List<JournalEntry> acknowledged = new ArrayList<>();
        try (JournalStore store = JournalStore.open(options(disk))) {
            acknowledged.addAll(appendAll(store, 0, 3));

            disk.fill("segment-", SegmentFiles.SPARE, MerkleTree.FILE);
            List<CompletableFuture<JournalEntry>> waiting = appendEach(store, 3, 40);
            awaitState(store, JournalStore.State.RETRYING);
            Thread.sleep(3 * RETRY_MAX.toMillis());
            assertEquals(3, store.size(), "nothing after the failure is durable or acknowledged");
            assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone));
            Readiness readiness = FileJournal.readiness(store.health());
            assertFalse(readiness.ready());
            assertEquals("journal-unavailable", readiness.reason());
            assertEquals(1, readiness.retryAfterSeconds(), "Retry-After is the backoff, rounded up to a second");
            assertEquals("retrying", readiness.details().path("state").asText());

            disk.free();
            for (CompletableFuture<JournalEntry> future : waiting) {
                acknowledged.add(await(future));
            }
            assertTrue(FileJournal.readiness(store.health()).ready());
            assertContiguousAndOnce(acknowledged, 40);
            assertTreeMatches(store, acknowledged);
        }
        // Recovery re-reads every segment: a half-written record left behind would be a torn or corrupt tail.
        assertReopensWithExactly(acknowledged);
    }

    @Test
    void appendsFromManyThreadsDuringRepeatedOutages_areEachAcknowledgedOnce_andAllSurviveAReopen() throws Exception {
        FullDisk disk = new FullDisk();
        List<CompletableFuture<JournalEntry>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JournalStore store = JournalStore.open(options(disk))) {
            List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                appenders.add(new Thread(() -> {
                    for (int i = 0; i < 150; i++) {
                        futures.add(store.append("test.entry", data(thread * 1000 + i)));
                    }
                }));
            }
            appenders.forEach(Thread::start);
            for (int outage = 0; outage < 5; outage++) {
                Thread.sleep(5);
                disk.fill(outage % 2 == 0 ? SegmentFiles.SPARE : MerkleTree.FILE, "segment-");
                Thread.sleep(2 * RETRY_MAX.toMillis());
                disk.free();
            }
            for (Thread appender : appenders) {
                appender.join();
            }
            List<JournalEntry> acknowledged = new ArrayList<>();
            for (CompletableFuture<JournalEntry> future : futures) {
                acknowledged.add(await(future));
            }
            acknowledged.sort(java.util.Comparator.comparingLong(JournalEntry::seq));
            assertContiguousAndOnce(acknowledged, 600);
            assertTreeMatches(store, acknowledged);
            assertTrue(disk.refusedWrites.get() > 0, "the outages hit the writer");
            store.close();
            assertReopensWithExactly(acknowledged);
        }
    }

    @Test
    void aFailedFsync_staysFinal_evenAfterWritesRecovered_andIsReportedAsFailed() throws Exception {
        FullDisk disk = new FullDisk();
        try (JournalStore store = JournalStore.open(options(disk))) {
            List<JournalEntry> acknowledged = new ArrayList<>(appendAll(store, 0, 5));
            disk.fill(SegmentFiles.SPARE);
            List<CompletableFuture<JournalEntry>> waiting = appendEach(store, 5, 30);
            awaitState(store, JournalStore.State.RETRYING);
            disk.free();
            for (CompletableFuture<JournalEntry> future : waiting) {
                acknowledged.add(await(future));
            }

            disk.failSegmentForces.set(true);
            CompletableFuture<JournalEntry> doomed = store.append("doomed", data(30));
            assertUnavailable(doomed);
            awaitState(store, JournalStore.State.FAILED);
            disk.failSegmentForces.set(false);
            CompletableFuture<JournalEntry> later = store.append("later", data(31));
            RequestRejectedException refused = assertUnavailable(later);
            assertTrue(refused.retryAfter() != null && refused.retryAfter().toSeconds() >= 1, "" + refused.retryAfter());
            Thread.sleep(3 * RETRY_MAX.toMillis());
            assertEquals(1, disk.forcesWhileFailing.get(), "a failed fsync is never retried");
            assertEquals(JournalStore.State.FAILED, store.health().state(), "a failed fsync stays final");
            Readiness readiness = FileJournal.readiness(store.health());
            assertFalse(readiness.ready());
            assertEquals("journal-failed", readiness.reason());
            assertEquals(30, store.size());
            assertSameEntries(acknowledged, store.read(0, 100));
        }
    }

    @Test
    void closingWhileAWriteKeepsFailing_failsTheWaitingAppends_andLosesNothingAcknowledged() throws Exception {
        FullDisk disk = new FullDisk();
        List<JournalEntry> acknowledged;
        List<CompletableFuture<JournalEntry>> waiting;
        JournalStore store = JournalStore.open(options(disk));
        try {
            acknowledged = appendAll(store, 0, 10);
            disk.fill("segment-", SegmentFiles.SPARE, MerkleTree.FILE);
            waiting = appendEach(store, 10, 30);
            awaitState(store, JournalStore.State.RETRYING);
        } finally {
            store.close();
        }
        for (CompletableFuture<JournalEntry> future : waiting) {
            assertTrue(future.isDone(), "no future is left hanging by close");
            assertUnavailable(future);
        }
        assertEquals(JournalStore.State.CLOSED, store.health().state());
        disk.free();
        // What a failed write left in the segment was never acknowledged: recovery cuts a torn record, and keeps whole
        // ones, which FORMAT.md allows ("entries whose write was not acknowledged may still be found"); only once each.
        try (JournalStore reopened = JournalStore.open(small(directory))) {
            List<JournalEntry> read = reopened.read(0, 100);
            assertTrue(read.size() >= acknowledged.size() && read.size() < 30, read.size() + " entries");
            for (int i = 0; i < acknowledged.size(); i++) {
                assertSameEntry(acknowledged.get(i), read.get(i));
            }
            for (int i = acknowledged.size(); i < read.size(); i++) {
                assertEquals(i, read.get(i).data().path("n").asLong(), "a whole unacknowledged entry, in order");
            }
            assertContiguousAndOnce(read, read.size());
            assertTreeMatches(reopened, read);
        }
    }

    @Test
    void whenTheDiskIsFullFromTheStart_aWriteWaitsForSpace_ratherThanFailingTheJournal() throws Exception {
        FullDisk disk = new FullDisk();
        try (JournalStore store = JournalStore.open(options(disk).withSegmentBytes(4096))) {
            disk.fill(MerkleTree.FILE);
            CompletableFuture<JournalEntry> first = store.append("test.entry", data(0));
            awaitState(store, JournalStore.State.RETRYING);
            CompletableFuture<JournalEntry> second = store.append("test.entry", data(1));
            assertFalse(second.isDone(), "appends are still taken while a write is retried");
            disk.free();
            assertEquals(0, await(first).seq());
            assertEquals(1, await(second).seq());
        }
    }

    @Test
    void aNewJournal_refusesToOpen_whenItsDirectoryHasLessThanTwoSegmentsFree_andSaysHowMuchIsNeeded() throws Exception {
        JournalOptions tooSmall = small(directory).withSegmentBytes(64 * 1024 * 1024)
                .withFreeSpace(dir -> 10L * 1024 * 1024);
        InsufficientSpaceException e = assertThrows(InsufficientSpaceException.class, () -> JournalStore.open(tooSmall));
        assertTrue(e.getMessage().contains(directory.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("10.0 MiB free"), e.getMessage());
        assertTrue(e.getMessage().contains("needs 128.0 MiB"), e.getMessage());
        try (Stream<Path> files = Files.list(directory)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("segment-")), "nothing preallocated");
        }
        String line = StartupFailure.describe(directory, e);
        assertTrue(line.startsWith("Countersign cannot start: journal directory "), line);
        assertFalse(line.contains("\n"));

        // the lock was released: with room, the same directory opens
        try (JournalStore store = JournalStore.open(small(directory))) {
            appendAll(store, 0, 3);
        }
        // an existing journal opens with little room left: its segment still has some, and a roll would wait
        try (JournalStore store = JournalStore.open(small(directory).withFreeSpace(dir -> 0))) {
            assertEquals(3, store.size());
        }
    }

    @Test
    void aJournalLockedByAnotherOpener_cannotBeOpened_andTheLineSaysSo() throws Exception {
        try (JournalStore first = JournalStore.open(small(directory))) {
            Exception e = assertThrows(Exception.class, () -> JournalStore.open(small(directory)));
            String line = StartupFailure.describe(directory, e);
            assertTrue(line.contains("journal directory " + directory) && line.contains("already open"), line);
        }
        Path notADirectory = Files.writeString(directory.resolve("file"), "x");
        Exception e = assertThrows(Exception.class, () -> JournalStore.open(small(notADirectory)));
        String line = StartupFailure.describe(notADirectory, e);
        assertTrue(line.contains("is not a directory"), line);
    }

    private static List<CompletableFuture<JournalEntry>> appendEach(JournalStore store, int from, int to) {
        List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            futures.add(store.append("test.entry", data(i)));
        }
        return futures;
    }

    /** Seqs 0 to count-1, in order, each data {@code n} exactly once, each entry chained to the one before. */
    private static void assertContiguousAndOnce(List<JournalEntry> acknowledged, int count) {
        assertEquals(count, acknowledged.size());
        Set<Long> ns = new HashSet<>();
        String prev = EntryCodec.GENESIS_PREV;
        for (int i = 0; i < count; i++) {
            JournalEntry entry = acknowledged.get(i);
            assertEquals(i, entry.seq(), "acknowledged seqs are contiguous");
            assertEquals(prev, entry.prevHash(), "entry " + i + " chains to the one before");
            assertTrue(ns.add(entry.data().path("n").asLong()), "data " + entry.data().path("n") + " is there once");
            prev = entry.hash();
        }
    }

    private static void assertTreeMatches(JournalStore store, List<JournalEntry> entries) {
        List<byte[]> hashes = new ArrayList<>();
        for (JournalEntry entry : entries) {
            hashes.add(HexFormat.of().parseHex(entry.hash().substring("sha256:".length())));
        }
        assertEquals(entries.size(), store.merkle().size());
        assertArrayEquals(ReferenceTree.mth(hashes), store.merkle().root(entries.size()), "the tree is the entries'");
    }

    /** Reopening verifies every segment and the chain; it must give back exactly what was acknowledged. */
    private void assertReopensWithExactly(List<JournalEntry> acknowledged) throws Exception {
        try (JournalStore reopened = JournalStore.open(small(directory))) {
            assertEquals(acknowledged.size(), reopened.size(), "nothing acknowledged is lost, nothing is added");
            List<JournalEntry> read = reopened.read(0, acknowledged.size() + 10);
            for (int i = 0; i < acknowledged.size(); i++) {
                assertSameEntry(acknowledged.get(i), read.get(i));
            }
            assertTreeMatches(reopened, acknowledged);
        }
    }

    private static RequestRejectedException assertUnavailable(CompletableFuture<JournalEntry> future) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> await(future));
        RequestRejectedException rejected = assertInstanceOf(RequestRejectedException.class, failure.getCause());
        assertEquals(RequestRejectedException.Reason.UNAVAILABLE, rejected.reason());
        return rejected;
    }

    private static void awaitState(JournalStore store, JournalStore.State state) throws InterruptedException {
        awaitTrue(() -> store.health().state() == state, "journal state " + state + ", is " + store.health());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 10 s");
            }
            Thread.sleep(2);
        }
    }
}
