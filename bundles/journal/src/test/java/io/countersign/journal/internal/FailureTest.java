package io.countersign.journal.internal;

import static io.countersign.journal.internal.Fixtures.appendAll;
import static io.countersign.journal.internal.Fixtures.assertSameEntries;
import static io.countersign.journal.internal.Fixtures.await;
import static io.countersign.journal.internal.Fixtures.data;
import static io.countersign.journal.internal.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.JournalEntry;
import io.countersign.api.RequestRejectedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailureTest {

    @TempDir
    Path directory;

    @Test
    void whenForceFails_theBatchAndLaterAppendsFailUnavailable_andNothingUnsyncedIsDurable() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        // Resources close in reverse order: held forces are released before the store waits for its writer.
        try (JournalStore store = JournalStore.open(small(directory).withOpener(disk));
             FaultyDisk releasedFirst = disk) {
            List<JournalEntry> durable = appendAll(store, 0, 20);

            disk.holdForces();
            List<CompletableFuture<JournalEntry>> doomed = new ArrayList<>();
            doomed.add(store.append("doomed", data(20)));
            disk.awaitForceHeld();
            for (int i = 21; i < 30; i++) {
                doomed.add(store.append("doomed", data(i)));
            }
            disk.failForce.set(true);
            disk.releaseAll();

            for (CompletableFuture<JournalEntry> future : doomed) {
                assertUnavailable(future, "journal failed: ");
            }
            assertUnavailable(store.append("later", data(99)), "journal failed: ");
            assertEquals(20, store.size());
            assertSameEntries(durable, store.read(0, 100));
            List<JournalEntry> replayed = new ArrayList<>();
            store.replay(0, replayed::add);
            assertEquals(20, replayed.size());
            assertEquals(1, disk.forcesWhileFailing.get(), "a failed fsync is never retried");
        }
    }

    @Test
    void whenTheQueueIsFull_appendReturnsAFailedFutureAtOnce_andTheQueuedAppendsStillComplete() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        // Resources close in reverse order: held forces are released before the store waits for its writer.
        JournalOptions options = small(directory).withOpener(disk).withQueueCapacity(4).withMaxBatch(1);
        try (JournalStore store = JournalStore.open(options);
             FaultyDisk releasedFirst = disk) {
            disk.holdForces();
            CompletableFuture<JournalEntry> writing = store.append("held", data(0));
            disk.awaitForceHeld();
            List<CompletableFuture<JournalEntry>> queued = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                queued.add(store.append("queued", data(i)));
            }

            CompletableFuture<JournalEntry> refused = store.append("refused", data(5));

            assertTrue(refused.isCompletedExceptionally(), "a full queue fails the append at once");
            assertUnavailable(refused, "queue is full");
            assertFalse(writing.isDone(), "nothing completes before its force returns");
            disk.releaseAll();
            assertEquals(0, await(writing).seq());
            for (int i = 0; i < 4; i++) {
                assertEquals(i + 1, await(queued.get(i)).seq());
            }
            assertEquals(5, await(store.append("after", data(6))).seq());
        }
    }

    @Test
    void futures_completeInJournalOrder_acrossBatches() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        // Resources close in reverse order: held forces are released before the store waits for its writer.
        try (JournalStore store = JournalStore.open(small(directory).withOpener(disk).withMaxBatch(3));
             FaultyDisk releasedFirst = disk) {
            disk.holdForces();
            List<Long> completions = java.util.Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
            futures.add(store.append("held", data(0)));
            disk.awaitForceHeld();
            for (int i = 1; i < 30; i++) {
                futures.add(store.append("queued", data(i)));
            }
            for (CompletableFuture<JournalEntry> future : futures) {
                future.thenAccept(entry -> completions.add(entry.seq()));
            }
            assertTrue(futures.stream().noneMatch(CompletableFuture::isDone));
            disk.releaseAll();
            // polled, not joined: a thread blocked in get() on a future helps run its callbacks when it wakes, so
            // joining would let this thread run seq 22's callback while the completer runs seq 23's
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (completions.size() < 30 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            for (CompletableFuture<JournalEntry> future : futures) {
                await(future);
            }
            List<Long> expected = new ArrayList<>();
            for (long seq = 0; seq < 30; seq++) {
                expected.add(seq);
            }
            assertEquals(expected, completions);
        }
    }

    @Test
    void whenTheJournalIsClosed_appendsFailUnavailable() throws Exception {
        JournalStore store = JournalStore.open(small(directory));
        store.close();
        assertUnavailable(store.append("late", data(0)), "closed");
    }

    private static void assertUnavailable(CompletableFuture<JournalEntry> future, String messagePart) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> await(future));
        RequestRejectedException rejected = assertInstanceOf(RequestRejectedException.class, failure.getCause());
        assertEquals(RequestRejectedException.Reason.UNAVAILABLE, rejected.reason());
        assertTrue(rejected.getMessage().contains(messagePart), rejected.getMessage());
    }
}
