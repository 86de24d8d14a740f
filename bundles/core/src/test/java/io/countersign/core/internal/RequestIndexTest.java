package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.core.internal.RequestIndex.Kind;
import io.countersign.core.internal.RequestIndex.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestIndexTest {

    static final Options SMALL = new Options(500, 8, false);

    @TempDir
    Path directory;

    final FakeMerkleLog journal = new FakeMerkleLog(1_000_000);

    @Test
    void answersFromMemtableRunsAndBoth() throws IOException {
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            index.add(Kind.ENTRY, "r1", 0);
            index.add(Kind.KEY, "agent\u0000k1", 0);
            index.add(Kind.ENTRY, "r1", 1);
            index.advanceTo(2);
            index.flush();
            index.add(Kind.ENTRY, "r1", 5);
            index.add(Kind.MENTION, "r1", 6);

            assertArrayEquals(new long[] {0, 1, 5}, index.seqs(Kind.ENTRY, "r1"));
            assertArrayEquals(new long[] {6}, index.seqs(Kind.MENTION, "r1"));
            assertArrayEquals(new long[] {0}, index.seqs(Kind.KEY, "agent\u0000k1"));
            assertArrayEquals(new long[0], index.seqs(Kind.KEY, "r1"));
            assertArrayEquals(new long[0], index.seqs(Kind.ENTRY, "unknown"));
            assertEquals(List.of("run-00000000000000000000-00000000000000000002.bin"), index.runs());
            assertEquals(2, index.memtableSize());
            assertEquals(6, index.indexedTo());
        }
    }

    @Test
    void repeatedRecordsAreAnsweredOnce() throws IOException {
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            index.add(Kind.ENTRY, "r1", 3);
            index.add(Kind.ENTRY, "r1", 3);
            index.add(Kind.ENTRY, "r1", 4);
            assertEquals(2, index.memtableSize());
            assertArrayEquals(new long[] {3, 4}, index.seqs(Kind.ENTRY, "r1"));
        }
    }

    @Test
    void refusesSeqsBeforeIndexedTo() throws IOException {
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            index.advanceTo(10);
            assertThrows(IllegalArgumentException.class, () -> index.add(Kind.ENTRY, "r1", 9));
            index.advanceTo(5);
            assertEquals(10, index.indexedTo());
        }
    }

    @Test
    void flushKeepsTheRecordsOfTheEntryBeingAdded() throws IOException {
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            index.add(Kind.ENTRY, "r1", 7);
            index.add(Kind.ENTRY, "r1", 8);
            index.flush();
            assertEquals(List.of(IndexRun.fileName(0, 8)), index.runs());
            assertEquals(1, index.memtableSize());
            assertArrayEquals(new long[] {7, 8}, index.seqs(Kind.ENTRY, "r1"));
            index.flush();
            assertEquals(1, index.runs().size(), "nothing new is covered: no run");
        }
    }

    @Test
    void entriesWithoutRecordsAreCoveredToo() throws IOException {
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            index.advanceTo(40);
            index.flush();
        }
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            assertEquals(40, index.indexedTo());
            assertEquals(List.of(IndexRun.fileName(0, 40)), index.runs());
        }
    }

    @Test
    void randomWorkloadMatchesAReferenceAcrossFlushesCompactionsAndReopening() throws IOException {
        ReferenceIndex reference = new ReferenceIndex(42, 300);
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            for (int round = 0; round < 40; round++) {
                reference.feed(index, 150 + round * 7);
                if (round % 3 == 0) {
                    index.flush();
                }
                assertCompacted(directory, index.runs(), 8);
                assertTrue(index.memtableSize() <= 500 + 6, "memtable " + index.memtableSize());
                if (round % 10 == 9) {
                    reference.assertAnswers(index, Long.MAX_VALUE);
                }
            }
            reference.assertAnswers(index, Long.MAX_VALUE);
            index.advanceTo(reference.next());
            index.flush();
            assertEquals(0, index.memtableSize());
        }
        try (RequestIndex reopened = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            assertEquals(reference.next(), reopened.indexedTo());
            reference.assertAnswers(reopened, Long.MAX_VALUE);
        }
    }

    @Test
    void reopeningWithoutAFinalFlushLosesOnlyTheMemtable() throws IOException {
        ReferenceIndex reference = new ReferenceIndex(7, 100);
        long flushedTo;
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            reference.feed(index, 2_000);
            flushedTo = IndexRun.parseName(index.runs().get(index.runs().size() - 1))[1];
            assertTrue(index.memtableSize() > 0);
        }
        try (RequestIndex reopened = RequestIndex.open(directory, journal, journal.size(), SMALL)) {
            assertEquals(flushedTo, reopened.indexedTo());
            reference.assertAnswers(reopened, flushedTo);
        }
    }

    @Test
    void compactionKeepsRunsFewAndMergedRunsCoverTheirParts() throws IOException {
        ReferenceIndex reference = new ReferenceIndex(3, 50);
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), new Options(10_000, 3, false))) {
            for (int i = 0; i < 12; i++) {
                long coveredBefore = reference.next();
                reference.feed(index, 20);
                index.advanceTo(reference.next());
                index.flush();
                assertCompacted(directory, index.runs(), 3);
                String newest = index.runs().get(index.runs().size() - 1);
                assertEquals(IndexRun.fileName(coveredBefore, reference.next()), newest,
                    "the newest run, which a snapshot needs, is never merged");
            }
            assertChained(index.runs(), reference.next());
            assertEquals(index.runs().size(), runFiles().size(), "merged parts are deleted");
            reference.assertAnswers(index, Long.MAX_VALUE);
        }
    }

    /** At most maxRuns runs, or else each but the newest holds over twice the records of the next (O(log n) runs). */
    static void assertCompacted(Path directory, List<String> runs, int maxRuns) throws IOException {
        if (runs.size() <= maxRuns) {
            return;
        }
        for (int i = 0; i + 2 < runs.size(); i++) {
            long older = IndexRun.open(directory.resolve(runs.get(i))).records();
            long newer = IndexRun.open(directory.resolve(runs.get(i + 1))).records();
            assertTrue(older > 2 * newer, "runs " + runs + " could be merged at " + i);
        }
    }

    static void assertChained(List<String> runs, long end) {
        long at = 0;
        for (String run : runs) {
            long[] range = IndexRun.parseName(run);
            assertEquals(at, range[0], "runs " + runs);
            at = range[1];
        }
        assertEquals(end, at);
    }

    List<Path> runFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
