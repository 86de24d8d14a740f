package io.countersign.journal.internal;

import static io.countersign.journal.internal.Fixtures.assertSameEntries;
import static io.countersign.journal.internal.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentAppendTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 5_000;

    @TempDir
    Path directory;

    @Test
    void manyConcurrentAppenders_getContiguousSeqs_inOrderCompletions_andTheirOwnEntries() throws Exception {
        List<Long> completedOnCompleter = Collections.synchronizedList(new ArrayList<>());
        List<JournalEntry> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (JournalStore store = JournalStore.open(JournalOptions.defaults(directory).withSegmentBytes(256 * 1024))) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(pool.submit(() -> {
                    start.await();
                    List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
                    for (int i = 0; i < PER_THREAD; i++) {
                        CompletableFuture<JournalEntry> future = store.append("t" + thread, data(thread, i));
                        future.thenAccept(entry -> {
                            if (Thread.currentThread().getName().equals("countersign-journal-completer")) {
                                completedOnCompleter.add(entry.seq());
                            }
                        });
                        futures.add(future);
                    }
                    long previousSeq = -1;
                    for (int i = 0; i < PER_THREAD; i++) {
                        JournalEntry entry = await(futures.get(i));
                        assertEquals("t" + thread, entry.type());
                        assertEquals(data(thread, i), entry.data());
                        assertTrue(entry.seq() > previousSeq, "a thread's appends keep their order");
                        previousSeq = entry.seq();
                        all.add(entry);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> thread : threads) {
                thread.get();
            }

            int total = THREADS * PER_THREAD;
            assertEquals(total, store.size());
            List<JournalEntry> bySeq = new ArrayList<>(all);
            bySeq.sort(Comparator.comparingLong(JournalEntry::seq));
            for (int i = 0; i < total; i++) {
                assertEquals(i, bySeq.get(i).seq(), "seqs are contiguous");
            }
            assertSameEntries(bySeq, store.read(0, total));

            List<Long> order = new ArrayList<>(completedOnCompleter);
            assertTrue(order.size() > total / 2, "most callbacks ran on the completer: " + order.size());
            for (int i = 1; i < order.size(); i++) {
                assertTrue(order.get(i - 1) < order.get(i), "futures complete in seq order at " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ObjectNode data(int thread, int i) {
        return JsonNodeFactory.instance.objectNode().put("thread", (long) thread).put("i", (long) i);
    }
}
