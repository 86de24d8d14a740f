package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.core.internal.RequestIndex.Kind;
import io.countersign.core.internal.RequestIndex.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers during writes, flushes and background compactions; the memtable's bound over a long feed. */
class RequestIndexConcurrencyTest {

    @TempDir
    Path directory;

    /** Entry s is ENTRY of "r" + s % keys, so a reader knows every seq a key must have once s was added. */
    static String keyOf(long seq, int keys) {
        return "r" + seq % keys;
    }

    @Test
    void readersNeverMissARecordAddedBeforeTheyStarted() throws Exception {
        int keys = 1_000;
        int entries = 200_000;
        FakeMerkleLog journal = new FakeMerkleLog(entries);
        AtomicLong added = new AtomicLong(-1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong lookups = new AtomicLong();
        try (RequestIndex index = RequestIndex.open(directory, journal, entries, new Options(1_000, 4, true))) {
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                readers.add(new Thread(() -> {
                    try {
                        while (added.get() < entries - 1) {
                            long before = added.get();
                            int key = ThreadLocalRandom.current().nextInt(keys);
                            assertHasEverySeqUpTo(index.seqs(Kind.ENTRY, "r" + key), key, keys, before);
                            lookups.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            readers.forEach(Thread::start);
            for (long seq = 0; seq < entries; seq++) {
                index.add(Kind.ENTRY, keyOf(seq, keys), seq);
                added.set(seq);
                if (seq % 7_919 == 0) {
                    index.flush();
                }
            }
            for (Thread reader : readers) {
                reader.join();
            }
            assertTrue(failures.isEmpty(), () -> "readers failed: " + failures);
            assertTrue(lookups.get() > 0);

            index.advanceTo(entries);
            index.flush();
            index.compact();
            RequestIndexTest.assertCompacted(directory, index.runs(), 4);
            RequestIndexTest.assertChained(index.runs(), entries);
            try (Stream<Path> files = Files.list(directory)) {
                assertEquals(index.runs().size(), files.count(), "merged parts are deleted");
            }
            for (int key = 0; key < keys; key++) {
                long[] seqs = index.seqs(Kind.ENTRY, "r" + key);
                assertEquals(entries / keys, seqs.length);
                assertHasEverySeqUpTo(seqs, key, keys, entries - 1);
            }
        }
    }

    /** seqs holds exactly key, key + keys, ... : every one up to last, and none of other keys. */
    static void assertHasEverySeqUpTo(long[] seqs, int key, int keys, long last) {
        long expected = last < key ? 0 : (last - key) / keys + 1;
        assertTrue(seqs.length >= expected, "r" + key + ": " + seqs.length + " seqs, expected " + expected);
        for (int i = 0; i < seqs.length; i++) {
            assertEquals(key + (long) i * keys, seqs[i], "r" + key + " at " + i);
        }
    }

    @Test
    void theMemtableStaysBoundedOverTwoMillionRecords() throws Exception {
        int keys = 300_000;
        int records = 2_000_000;
        int limit = 100_000;
        FakeMerkleLog journal = new FakeMerkleLog(records);
        try (RequestIndex index = RequestIndex.open(directory, journal, records, new Options(limit, 8, false))) {
            int largest = 0;
            for (long seq = 0; seq < records; seq++) {
                index.add(Kind.ENTRY, keyOf(seq, keys), seq);
                largest = Math.max(largest, index.memtableSize());
                assertTrue(index.memtableSize() <= limit, () -> "memtable " + index.memtableSize());
            }
            assertEquals(limit - 1, largest, "flushed on reaching the limit, keeping the record of the entry being added");
            RequestIndexTest.assertCompacted(directory, index.runs(), 8);
            index.advanceTo(records);
            index.flush();
            assertEquals(0, index.memtableSize(), "after a flush nothing is held per record");
            RequestIndexTest.assertChained(index.runs(), records);
            for (int key = 0; key < keys; key += 997) {
                long[] seqs = index.seqs(Kind.ENTRY, "r" + key);
                long[] expected = LongStream.iterate(key, s -> s < records, s -> s + keys).toArray();
                assertArrayEquals(expected, seqs, "r" + key);
            }
        }
    }
}
