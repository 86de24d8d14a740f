package io.countersign.journal.internal;

import static io.countersign.journal.internal.Fixtures.appendAll;
import static io.countersign.journal.internal.Fixtures.assertSameEntries;
import static io.countersign.journal.internal.Fixtures.await;
import static io.countersign.journal.internal.Fixtures.data;
import static io.countersign.journal.internal.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.JournalEntry;
import io.countersign.api.json.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

    @TempDir
    Path directory;

    /** A journal whose last segment holds many records, so damage can be placed between them. */
    private List<JournalEntry> journalOf(int entries) throws Exception {
        try (JournalStore store = JournalStore.open(options())) {
            return new ArrayList<>(appendAll(store, 0, entries));
        }
    }

    private JournalOptions options() {
        return small(directory).withSegmentBytes(64 * 1024);
    }

    /**
     * Damage inside the sealed prefix is not looked for by a sealed open (reads and the scrub find it, see
     * SealedOpenTest); an open that verifies every entry refuses it, as below.
     */
    private JournalOptions verifyingEverything() {
        JournalOptions.SealOptions seal = JournalOptions.SealOptions.DEFAULT;
        return options().withSeal(new JournalOptions.SealOptions(seal.everyEntries(), seal.every(), true,
                seal.scrubEntriesPerSecond()));
    }

    /** A journal of many small segments. */
    private void segmentedJournalOf(int entries) throws Exception {
        try (JournalStore store = JournalStore.open(small(directory))) {
            appendAll(store, 0, entries);
        }
    }

    private static long firstSeqOf(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(8, 28));
    }

    private static RawSegments.RawRecord last(List<RawSegments.RawRecord> records) {
        return records.get(records.size() - 1);
    }

    @Test
    void whenTheTailIsTorn_recoveryCutsItAndKeepsEverythingAcknowledged() throws Exception {
        List<JournalEntry> acknowledged = journalOf(40);
        RawSegments.RawRecord lastRecord = last(RawSegments.records(directory));
        byte[] garbage = new byte[90];
        new Random(42).nextBytes(garbage);
        RawSegments.writeAt(lastRecord.segment(), lastRecord.end(), garbage);

        try (JournalStore store = JournalStore.open(options())) {
            assertEquals(40, store.size());
            assertSameEntries(acknowledged, store.read(0, 100));
            assertTrue(RawSegments.allZero(lastRecord.segment(), lastRecord.end()), "the torn tail is zeroed");

            JournalEntry next = await(store.append("after.crash", data(40)));
            assertEquals(40, next.seq());
            assertEquals(acknowledged.get(39).hash(), next.prevHash());
        }
        try (JournalStore store = JournalStore.open(options())) {
            assertEquals(41, store.size());
        }
    }

    @Test
    void whenHalfARecordWasWritten_recoveryCutsIt_andAppendsContinueTheChain() throws Exception {
        List<JournalEntry> acknowledged = journalOf(30);
        RawSegments.RawRecord lastRecord = last(RawSegments.records(directory));
        byte[] whole = RawSegments.readAt(lastRecord.segment(), lastRecord.offset(), 8 + lastRecord.length());
        byte[] half = java.util.Arrays.copyOf(whole, 8 + lastRecord.length() / 2);
        RawSegments.writeAt(lastRecord.segment(), lastRecord.end(), half);

        try (JournalStore store = JournalStore.open(options())) {
            assertEquals(30, store.size());
            assertSameEntries(acknowledged, store.read(0, 100));
            List<JournalEntry> more = appendAll(store, 30, 5);
            assertEquals(30, more.get(0).seq());
            assertEquals(acknowledged.get(29).hash(), more.get(0).prevHash());
        }
    }

    @Test
    void whenAByteFlipsInAnEarlyRecord_openFailsNamingSegmentOffsetAndSeq() throws Exception {
        journalOf(40);
        RawSegments.RawRecord victim = RawSegments.records(directory).get(3);
        byte[] payload = victim.payload().clone();
        payload[payload.length / 2] ^= 0x01;
        RawSegments.writeAt(victim.segment(), victim.offset() + 8, payload);

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> JournalStore.open(verifyingEverything()));
        assertTrue(e.getMessage().contains("seq 3"), e.getMessage());
        assertTrue(e.getMessage().contains(victim.segment().getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + victim.offset()), e.getMessage());
        assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
    }

    @Test
    void whenAPayloadIsEditedAndItsCrcFixed_theChainCheckNamesTheNextSeq() throws Exception {
        journalOf(40);
        RawSegments.RawRecord victim = RawSegments.records(directory).get(5);
        String text = new String(victim.payload(), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"req-5\""));
        RawSegments.rewrite(victim, text.replace("\"req-5\"", "\"req-6\"").getBytes(StandardCharsets.UTF_8), true);

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> JournalStore.open(verifyingEverything()));
        assertTrue(e.getMessage().contains("seq 6"), e.getMessage());
        assertTrue(e.getMessage().contains("prev"), e.getMessage());
    }

    @Test
    void whenTheLastEntryIsEditedAndItsCrcFixed_itIsNotMistakenForATornTail() throws Exception {
        journalOf(10);
        RawSegments.RawRecord victim = last(RawSegments.records(directory));
        String text = new String(victim.payload(), StandardCharsets.UTF_8);
        RawSegments.rewrite(victim, text.replace("\"seq\":9", "\"seq\":8").getBytes(StandardCharsets.UTF_8), true);

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> JournalStore.open(verifyingEverything()));
        assertTrue(e.getMessage().contains("seq 9"), e.getMessage());
    }

    @Test
    void whenAPayloadIsNotCanonical_openFails() throws Exception {
        journalOf(10);
        RawSegments.RawRecord victim = last(RawSegments.records(directory));
        byte[] pretty = StrictJson.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(StrictJson.mapper().readTree(victim.payload()));
        RawSegments.rewrite(victim, pretty, true);

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> JournalStore.open(verifyingEverything()));
        assertTrue(e.getMessage().contains("canonical"), e.getMessage());
        assertTrue(e.getMessage().contains("seq 9"), e.getMessage());
    }

    @Test
    void whenASegmentIsMissing_openFailsNamingTheGap() throws Exception {
        segmentedJournalOf(60);
        List<Path> files = RawSegments.files(directory);
        Files.delete(files.get(2));

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> JournalStore.open(verifyingEverything()));
        assertTrue(e.getMessage().contains(files.get(3).getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void whenASegmentNameDoesNotMatchItsFirstSeq_openFails() throws Exception {
        segmentedJournalOf(60);
        List<Path> files = RawSegments.files(directory);
        // a segment of one entry has its successor's name one seq up: take the first later one holding two or more
        int index = 2;
        while (index + 1 < files.size() && firstSeqOf(files.get(index + 1)) == firstSeqOf(files.get(index)) + 1) {
            index++;
        }
        long firstSeq = firstSeqOf(files.get(index));
        Path renamed = SegmentFiles.path(directory, firstSeq + 1);
        Files.move(files.get(index), renamed);

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> JournalStore.open(verifyingEverything()));
        assertTrue(e.getMessage().contains(renamed.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("seq " + firstSeq), e.getMessage());
    }

    @Test
    void whenARecordLengthIsZeroed_openFailsRatherThanDroppingTheEntriesAfterIt() throws Exception {
        journalOf(10);
        List<RawSegments.RawRecord> records = RawSegments.records(directory);
        RawSegments.RawRecord lastRecord = last(records);
        RawSegments.RawRecord victim = records.stream()
                .filter(r -> r.segment().equals(lastRecord.segment())).findFirst().orElseThrow();
        assertTrue(victim.offset() < lastRecord.offset(), "the last segment must hold two records for this test");
        RawSegments.writeAt(victim.segment(), victim.offset(), new byte[8]);

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> JournalStore.open(verifyingEverything()));
        assertTrue(e.getMessage().contains("end-of-data marker is followed by non-zero bytes"), e.getMessage());
    }

    @Test
    void whenABadRecordIsFollowedByValidOnes_inTheLastSegment_openFailsInsteadOfCuttingThem() throws Exception {
        journalOf(10);
        List<RawSegments.RawRecord> records = RawSegments.records(directory);
        RawSegments.RawRecord lastRecord = last(records);
        RawSegments.RawRecord victim = records.get(records.size() - 2);
        assertEquals(victim.segment(), lastRecord.segment(), "the last segment must hold two records for this test");
        RawSegments.writeAt(victim.segment(), victim.offset() + 8, new byte[] {0x7f});

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> JournalStore.open(verifyingEverything()));
        assertTrue(e.getMessage().contains("seq " + (records.size() - 2)), e.getMessage());
        assertTrue(e.getMessage().contains("non-zero data follows"), e.getMessage());
    }

    @Test
    void whenACrashFollowedASegmentRoll_theEmptyOrTornNewSegmentIsReused() throws Exception {
        List<JournalEntry> acknowledged = journalOf(10);
        Path next = SegmentFiles.path(directory, 10);
        byte[] torn = new byte[4096];
        torn[3] = 100;
        torn[8] = '{';
        Files.write(next, torn);

        try (JournalStore store = JournalStore.open(options())) {
            assertEquals(10, store.size());
            JournalEntry entry = await(store.append("after.roll", data(10)));
            assertEquals(acknowledged.get(9).hash(), entry.prevHash());
        }
        assertEquals(10, Fixtures.parseSeq(RawSegments.records(directory).get(10).payload()));
        assertEquals(next, RawSegments.records(directory).get(10).segment());
    }

    @Test
    void whenTheDirectoryIsAlreadyOpen_aSecondOpenIsRefused() throws Exception {
        try (JournalStore store = JournalStore.open(options())) {
            IOException e = assertThrows(IOException.class, () -> JournalStore.open(verifyingEverything()));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
        }
    }
}
