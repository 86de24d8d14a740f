package io.countersign.journal.internal;

import static io.countersign.journal.internal.Fixtures.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.JournalEntry;
import io.countersign.api.RequestRejectedException;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalTest {

    @TempDir
    Path directory;

    @Test
    void whenDeactivatedDuringAppends_everyFutureCompletesOrFails_andCompletedOnesAreDurable() throws Exception {
        FileJournal journal = new FileJournal();
        journal.activate(config(directory.toString(), 64 * 1024));
        List<CompletableFuture<JournalEntry>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch running = new CountDownLatch(4);
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                running.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    CompletableFuture<JournalEntry> future = journal.append("in.flight", data(i));
                    futures.add(future);
                    if (future.isCompletedExceptionally() && isClosedRefusal(future)) {
                        return;
                    }
                }
            });
            thread.start();
            appenders.add(thread);
        }
        running.await();
        Thread.sleep(50);
        journal.close();
        for (Thread thread : appenders) {
            thread.join();
        }

        Map<Long, JournalEntry> completed = new HashMap<>();
        int refused = 0;
        for (CompletableFuture<JournalEntry> future : futures) {
            assertTrue(future.isDone(), "no future is left hanging after deactivate");
            try {
                JournalEntry entry = future.join();
                completed.put(entry.seq(), entry);
            } catch (CompletionException e) {
                RequestRejectedException rejected = assertInstanceOf(RequestRejectedException.class, e.getCause());
                assertEquals(RequestRejectedException.Reason.UNAVAILABLE, rejected.reason());
                refused++;
            }
        }
        assertTrue(completed.size() > 0 && refused > 0, completed.size() + " completed, " + refused + " refused");

        FileJournal reopened = new FileJournal();
        reopened.activate(config(directory.toString(), 64 * 1024));
        try {
            assertEquals(completed.size(), reopened.size());
            for (JournalEntry entry : reopened.read(0, completed.size())) {
                Fixtures.assertSameEntry(completed.get(entry.seq()), entry);
            }
        } finally {
            reopened.close();
        }
    }

    @Test
    void aConfigurationWithoutADirectory_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FileJournal().activate(config(" ", 64 * 1024)));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }

    @Test
    void theConfiguredSizesReachTheStore() {
        JournalOptions options = FileJournal.options(config(directory.toString(), 4096));
        assertEquals(directory, options.directory());
        assertEquals(4096, options.segmentBytes());
        assertEquals(7, options.maxBatch());
        assertEquals(9, options.queueCapacity());
        assertEquals(java.time.Duration.ofMillis(10), options.retryMin());
        assertEquals(java.time.Duration.ofMillis(200), options.retryMax());
    }

    private static boolean isClosedRefusal(CompletableFuture<JournalEntry> future) {
        try {
            future.join();
            return false;
        } catch (CompletionException e) {
            return e.getCause().getMessage().contains("closed");
        }
    }

    private static Config config(String directory, long segmentBytes) {
        return new Config() {
            @Override
            public String directory() {
                return directory;
            }

            @Override
            public int maxBatch() {
                return segmentBytes == 4096 ? 7 : JournalOptions.DEFAULT_MAX_BATCH;
            }

            @Override
            public long segmentBytes() {
                return segmentBytes;
            }

            @Override
            public int queueCapacity() {
                return segmentBytes == 4096 ? 9 : JournalOptions.DEFAULT_QUEUE_CAPACITY;
            }

            @Override
            public long retryMinMillis() {
                return 10;
            }

            @Override
            public long retryMaxMillis() {
                return segmentBytes == 4096 ? 200 : 100;
            }

            @Override
            public boolean exitOnOpenFailure() {
                return false; // a test must not end the JVM it runs in
            }

            @Override
            public long sealEveryEntries() {
                return 3;
            }

            @Override
            public long sealEveryMillis() {
                return 60_000;
            }

            @Override
            public String verifyOnOpen() {
                return "sealed";
            }

            @Override
            public long scrubEntriesPerSecond() {
                return 1_000_000;
            }

            @Override
            public long scrubDelaySeconds() {
                return 0;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return Config.class;
            }
        };
    }
}
