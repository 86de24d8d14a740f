package io.countersign.journal.internal;

import static io.countersign.journal.internal.Fixtures.appendAll;
import static io.countersign.journal.internal.Fixtures.assertSameEntries;
import static io.countersign.journal.internal.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalRoundTripTest {

    @TempDir
    Path directory;

    @Test
    void appendedEntries_readAndReplayBackIdentically_acrossSegmentRolls() throws Exception {
        try (JournalStore store = JournalStore.open(small(directory))) {
            List<JournalEntry> appended = appendAll(store, 0, 300);

            assertEquals(300, store.size());
            assertSameEntries(appended, store.read(0, 1000));
            List<JournalEntry> replayed = new ArrayList<>();
            store.replay(0, replayed::add);
            assertSameEntries(appended, replayed);
        }
        assertTrue(RawSegments.files(directory).size() > 10, "small segments must have rolled many times");
    }

    @Test
    void afterCloseAndReopen_everyEntryReadsBackIdentically_andTheChainContinues() throws Exception {
        List<JournalEntry> appended;
        try (JournalStore store = JournalStore.open(small(directory))) {
            appended = new ArrayList<>(appendAll(store, 0, 150));
        }
        try (JournalStore store = JournalStore.open(small(directory))) {
            assertEquals(150, store.size());
            assertSameEntries(appended, store.read(0, 1000));

            List<JournalEntry> more = appendAll(store, 150, 150);
            assertEquals(150, more.get(0).seq());
            assertEquals(appended.get(149).hash(), more.get(0).prevHash());
            appended.addAll(more);
        }
        try (JournalStore store = JournalStore.open(small(directory))) {
            assertSameEntries(appended, store.read(0, 1000));
        }
    }

    @Test
    void readFromTheMiddle_returnsExactlyTheRequestedWindow() throws Exception {
        try (JournalStore store = JournalStore.open(small(directory))) {
            List<JournalEntry> appended = appendAll(store, 0, 700);

            assertSameEntries(appended.subList(300, 310), store.read(300, 10));
            assertSameEntries(appended.subList(511, 513), store.read(511, 2));
            assertSameEntries(appended.subList(690, 700), store.read(690, 100));
            assertEquals(List.of(), store.read(700, 5));
            assertEquals(List.of(), store.read(5, 0));
            List<JournalEntry> replayed = new ArrayList<>();
            store.replay(257, replayed::add);
            assertSameEntries(appended.subList(257, 700), replayed);
        }
    }

    @Test
    void segmentFiles_areNamedByTheFirstSeqTheyHold() throws Exception {
        try (JournalStore store = JournalStore.open(small(directory))) {
            appendAll(store, 0, 100);
        }
        Path previous = null;
        for (RawSegments.RawRecord record : RawSegments.records(directory)) {
            if (!record.segment().equals(previous)) {
                long seq = Fixtures.parseSeq(record.payload());
                assertEquals(String.format("segment-%020d.log", seq), record.segment().getFileName().toString());
                assertEquals(0, record.offset());
                previous = record.segment();
            }
        }
    }

    @Test
    void entriesLargerThanASegment_andBatchesLargerThanAWriteChunk_roundTrip() throws Exception {
        List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
        List<JournalEntry> appended = new ArrayList<>();
        FaultyDisk disk = new FaultyDisk();
        try (JournalStore store = JournalStore.open(small(directory).withOpener(disk))) {
            disk.holdForces();
            futures.add(store.append("first", Fixtures.data(-1)));
            disk.awaitForceHeld();
            // Queued behind the held force, these are drained as one batch of about 12 MiB.
            for (int i = 0; i < 12; i++) {
                ObjectNode data = Fixtures.data(i).put("blob", String.valueOf((char) ('a' + i)).repeat(1024 * 1024));
                futures.add(store.append("large", data));
                futures.add(store.append("small", Fixtures.data(i)));
            }
            disk.releaseAll();
            for (CompletableFuture<JournalEntry> future : futures) {
                appended.add(Fixtures.await(future));
            }
            assertSameEntries(appended, store.read(0, 100));
        }
        try (JournalStore store = JournalStore.open(small(directory))) {
            assertSameEntries(appended, store.read(0, 100));
        }
    }

    @Test
    void anEmptyJournal_hasNoEntries_andStartsTheChainFromZeros() throws Exception {
        try (JournalStore store = JournalStore.open(small(directory))) {
            assertEquals(0, store.size());
            assertEquals(List.of(), store.read(0, 10));
            JournalEntry first = Fixtures.await(store.append("first", Fixtures.data(0)));
            assertEquals(0, first.seq());
            assertEquals("sha256:" + "0".repeat(64), first.prevHash());
        }
    }
}
