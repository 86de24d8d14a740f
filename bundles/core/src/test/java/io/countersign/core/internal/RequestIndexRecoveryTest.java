package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.core.internal.RequestIndex.Kind;
import io.countersign.core.internal.RequestIndex.Options;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which runs open accepts, and what happens to damaged, stale and half-written ones. */
class RequestIndexRecoveryTest {

    static final Options NO_COMPACTION = new Options(1_000_000, 8, false);
    static final int RUN_ENTRIES = 1_000;
    static final int KEYS = 50;

    @TempDir
    Path directory;

    @TempDir
    Path backup;

    final FakeMerkleLog journal = new FakeMerkleLog(100_000);

    /** Three runs [0, 1000), [1000, 2000), [2000, 3000); entry s is ENTRY of "r" + s % KEYS. */
    void writeThreeRuns() throws IOException {
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), NO_COMPACTION)) {
            for (int seq = 0; seq < 3 * RUN_ENTRIES; seq++) {
                index.add(Kind.ENTRY, "r" + seq % KEYS, seq);
                if (seq % RUN_ENTRIES == RUN_ENTRIES - 1) {
                    index.advanceTo(seq + 1);
                    index.flush();
                }
            }
            assertEquals(3, index.runs().size());
        }
    }

    RequestIndex reopen() throws IOException {
        return RequestIndex.open(directory, journal, journal.size(), NO_COMPACTION);
    }

    static void assertAnswersUpTo(RequestIndex index, long end) {
        for (int key = 0; key < KEYS; key++) {
            int k = key;
            long[] expected = LongStream.range(0, end).filter(s -> s % KEYS == k).toArray();
            assertArrayEquals(expected, index.seqs(Kind.ENTRY, "r" + key), "r" + key);
        }
    }

    Path run(long from, long to) {
        return directory.resolve(IndexRun.fileName(from, to));
    }

    List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void reopenFindsTheSameAnswers() throws IOException {
        writeThreeRuns();
        try (RequestIndex index = reopen()) {
            assertEquals(3_000, index.indexedTo());
            assertAnswersUpTo(index, 3_000);
        }
    }

    @Test
    void upToCutsLaterRuns() throws IOException {
        writeThreeRuns();
        try (RequestIndex index = RequestIndex.open(directory, journal, 2_500, NO_COMPACTION)) {
            assertEquals(2_000, index.indexedTo());
            assertEquals(List.of(IndexRun.fileName(0, 1_000), IndexRun.fileName(1_000, 2_000)), index.runs());
            assertAnswersUpTo(index, 2_000);
        }
        assertFalse(Files.exists(run(2_000, 3_000)), "a run not used is deleted");
    }

    @Test
    void runsNotMatchingTheJournalAreIgnored() throws IOException {
        writeThreeRuns();
        journal.rewriteFrom(1_500);
        try (RequestIndex index = reopen()) {
            assertEquals(1_000, index.indexedTo());
            assertAnswersUpTo(index, 1_000);
        }
        assertEquals(List.of(IndexRun.fileName(0, 1_000)), files());
    }

    @Test
    void runsBeyondTheJournalAreIgnored() throws IOException {
        writeThreeRuns();
        try (RequestIndex index = RequestIndex.open(directory, new FakeMerkleLog(2_999), Long.MAX_VALUE,
                NO_COMPACTION)) {
            assertEquals(2_000, index.indexedTo());
        }
    }

    @Test
    void aTruncatedRunEndsTheChainBeforeIt() throws IOException {
        writeThreeRuns();
        truncate(run(1_000, 2_000), 1);
        try (RequestIndex index = reopen()) {
            assertEquals(1_000, index.indexedTo());
            assertAnswersUpTo(index, 1_000);
        }
        assertEquals(List.of(IndexRun.fileName(0, 1_000)), files());
    }

    @Test
    void aRunCutToLessThanAFooterIsIgnored() throws IOException {
        writeThreeRuns();
        truncate(run(2_000, 3_000), Files.size(run(2_000, 3_000)) - 10);
        try (RequestIndex index = reopen()) {
            assertEquals(2_000, index.indexedTo());
        }
    }

    @Test
    void aFlippedFooterByteMakesTheRunUnusable() throws IOException {
        writeThreeRuns();
        Path last = run(2_000, 3_000);
        flip(last, Files.size(last) - 50);
        try (RequestIndex index = reopen()) {
            assertEquals(2_000, index.indexedTo());
            assertAnswersUpTo(index, 2_000);
        }
    }

    @Test
    void aFlippedBlockByteFailsTheLookupsThatReadItAndDropsTheRunAtTheNextOpen() throws IOException {
        writeThreeRuns();
        Path middle = run(1_000, 2_000);
        flip(middle, 3 * IndexRun.BLOCK_BYTES + 100);
        int failed = 0;
        try (RequestIndex index = reopen()) {
            assertEquals(3_000, index.indexedTo(), "blocks are checked when read, not at open");
            for (int key = 0; key < KEYS; key++) {
                try {
                    long[] seqs = index.seqs(Kind.ENTRY, "r" + key);
                    assertEquals(3_000 / KEYS, seqs.length, "lookups not reading the block are right");
                } catch (IllegalStateException e) {
                    assertTrue(e.getMessage().contains(middle.toString()) && e.getMessage().contains("block 3"),
                        e.getMessage());
                    failed++;
                }
            }
            assertFalse(Files.exists(middle), "the damaged run is deleted");
            index.advanceTo(3_500);
            index.flush();
        }
        assertTrue(failed > 0);
        try (RequestIndex index = reopen()) {
            assertEquals(1_000, index.indexedTo(), "the chain ends before the damaged run: its range is re-added");
            assertAnswersUpTo(index, 1_000);
        }
        assertEquals(List.of(IndexRun.fileName(0, 1_000)), files());
    }

    @Test
    void aDamagedRunIsNotMerged() throws IOException {
        writeThreeRuns();
        flip(run(0, 1_000), 100);
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), new Options(1_000, 2, false))) {
            assertThrowsForSomeKey(index);
            index.advanceTo(4_000);
            index.flush();
            index.compact();
            assertEquals(List.of(IndexRun.fileName(0, 1_000), IndexRun.fileName(1_000, 3_000),
                IndexRun.fileName(3_000, 4_000)), index.runs());
        }
    }

    static void assertThrowsForSomeKey(RequestIndex index) {
        int failed = 0;
        for (int key = 0; key < KEYS; key++) {
            try {
                index.seqs(Kind.ENTRY, "r" + key);
            } catch (IllegalStateException e) {
                failed++;
            }
        }
        assertTrue(failed > 0);
    }

    @Test
    void aCrashDuringAFlushLeavesATmpThatOpenDeletes() throws IOException {
        writeThreeRuns();
        Path tmp = directory.resolve(IndexRun.fileName(3_000, 3_100) + ".tmp");
        Files.write(tmp, new byte[5_000]);
        Files.write(directory.resolve("unrelated.txt"), new byte[1]);
        try (RequestIndex index = reopen()) {
            assertEquals(3_000, index.indexedTo());
        }
        assertFalse(Files.exists(tmp));
        assertTrue(Files.exists(directory.resolve("unrelated.txt")), "files that are not runs are left alone");
    }

    @Test
    void aCrashAfterAMergeBeforeItsPartsAreDeletedPrefersTheMergedRun() throws IOException {
        writeThreeRuns();
        copy(directory, backup);
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), new Options(1_000, 2, false))) {
            index.compact();
            assertEquals(List.of(IndexRun.fileName(0, 2_000), IndexRun.fileName(2_000, 3_000)), index.runs());
        }
        copy(backup, directory);
        assertEquals(4, files().size(), "the merged run and all its parts, as a crash before deleting leaves them");
        try (RequestIndex index = reopen()) {
            assertEquals(List.of(IndexRun.fileName(0, 2_000), IndexRun.fileName(2_000, 3_000)), index.runs());
            assertAnswersUpTo(index, 3_000);
        }
        assertEquals(List.of(IndexRun.fileName(0, 2_000), IndexRun.fileName(2_000, 3_000)), files());
    }

    @Test
    void aCrashDuringAMergeLeavesThePartsInUse() throws IOException {
        writeThreeRuns();
        Files.write(directory.resolve(IndexRun.fileName(0, 2_000) + ".tmp"), new byte[10_000]);
        try (RequestIndex index = reopen()) {
            assertEquals(3, index.runs().size());
            assertAnswersUpTo(index, 3_000);
        }
        assertEquals(3, files().size());
    }

    @Test
    void aDamagedMergedRunFallsBackToItsParts() throws IOException {
        writeThreeRuns();
        copy(directory, backup);
        try (RequestIndex index = RequestIndex.open(directory, journal, journal.size(), new Options(1_000, 2, false))) {
            index.compact();
        }
        copy(backup, directory);
        truncate(run(0, 2_000), 100);
        try (RequestIndex index = reopen()) {
            assertEquals(3, index.runs().size());
            assertAnswersUpTo(index, 3_000);
        }
    }

    static void truncate(Path file, long bytes) throws IOException {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.setLength(raw.length() - bytes);
        }
    }

    static void flip(Path file, long position) throws IOException {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(position);
            int value = raw.read();
            raw.seek(position);
            raw.write(value ^ 0x10);
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
