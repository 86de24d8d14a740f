package io.countersign.journal.internal;

import static io.countersign.journal.internal.Fixtures.appendAll;
import static io.countersign.journal.internal.Fixtures.await;
import static io.countersign.journal.internal.Fixtures.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import io.countersign.api.json.Jcs;
import io.countersign.api.json.StrictJson;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryFormatTest {

    private static final String ZEROS = "sha256:" + "0".repeat(64);

    @TempDir
    Path directory;

    @Test
    void eachHash_isSha256OfTheCanonicalEntry_andEachPrevIsThePreviousHash() throws Exception {
        List<JournalEntry> entries;
        try (JournalStore store = JournalStore.open(small(directory))) {
            appendAll(store, 0, 60);
            entries = store.read(0, 100);
        }
        List<RawSegments.RawRecord> records = RawSegments.records(directory);
        assertEquals(60, records.size());
        String prev = ZEROS;
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry entry = entries.get(i);
            ObjectNode object = StrictJson.mapper().createObjectNode();
            object.put("seq", entry.seq());
            object.put("time", entry.time().toString());
            object.put("type", entry.type());
            object.set("data", entry.data());
            object.put("prev", entry.prevHash());
            byte[] canonical = Jcs.canonicalize(object);

            assertEquals(i, entry.seq());
            assertEquals(prev, entry.prevHash(), "prev of seq " + i);
            assertEquals("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical)),
                    entry.hash(), "hash of seq " + i);
            RawSegments.RawRecord record = records.get(i);
            assertArrayEquals(canonical, record.payload(), "payload of seq " + i);
            assertEquals(canonical.length, record.length());
            assertEquals(RawSegments.crc32c(canonical), record.crc(), "CRC32C of seq " + i);
            prev = entry.hash();
        }
    }

    @Test
    void theFirstEntries_matchTheWorkedExampleInFormatMd() throws Exception {
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        SteppingClock clock = new SteppingClock(List.of(t0, t0.plusNanos(1000)));
        JournalEntry first;
        JournalEntry second;
        try (JournalStore store = JournalStore.open(small(directory).withClock(clock).withMaxBatch(1))) {
            ObjectNode data = StrictJson.mapper().createObjectNode().put("b", "x").put("a", 1L);
            first = await(store.append("request.received", data));
            ObjectNode verdict = StrictJson.mapper().createObjectNode().put("verdict", "ALLOW");
            second = await(store.append("decision.made", verdict));
        }
        assertEquals("sha256:fbb6341a825839f0aa7511ba6cf6d6b3c9dbfb6e67d0e172d766a9ce76472d82", first.hash());
        assertEquals(first.hash(), second.prevHash());
        assertEquals("sha256:6e5620766f655bf4d1ed3537b546ecd598eef0b0bda49f786599a7b4faf0b483", second.hash());

        byte[] file = java.nio.file.Files.readAllBytes(RawSegments.files(directory).get(0));
        assertEquals("000000a9e422008e", HexFormat.of().formatHex(file, 0, 8));
        assertEquals("{\"data\":{\"a\":1,\"b\":\"x\"},\"prev\":\"" + ZEROS + "\",\"seq\":0,"
                + "\"time\":\"2025-01-01T00:00:00Z\",\"type\":\"request.received\"}",
                new String(file, 8, 169, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("000000b12566ca14", HexFormat.of().formatHex(file, 8 + 169, 8 + 169 + 8));
        assertEquals(0, ByteBuffer.wrap(file, 8 + 169 + 8 + 177, 8).getLong(), "a zero header ends the data");
    }

    @Test
    void timestamps_neverGoBackwards_whenTheClockDoes() throws Exception {
        Instant t0 = Instant.parse("2025-06-01T12:00:00.123456Z");
        SteppingClock clock = new SteppingClock(List.of(t0, t0.minusSeconds(3600), t0.plusSeconds(1)));
        try (JournalStore store = JournalStore.open(small(directory).withClock(clock).withMaxBatch(1))) {
            List<JournalEntry> entries = appendAll(store, 0, 3);
            assertEquals(List.of(t0, t0, t0.plusSeconds(1)), entries.stream().map(JournalEntry::time).toList());
        }
    }

    @Test
    void dataWithNoCanonicalForm_failsOnlyItsOwnAppend_andTakesNoSeq() throws Exception {
        try (JournalStore store = JournalStore.open(small(directory))) {
            JournalEntry before = await(store.append("ok", Fixtures.data(1)));
            ObjectNode notJson = StrictJson.mapper().createObjectNode().put("x", Double.NaN);
            CompletableFuture<JournalEntry> nan = store.append("bad", notJson);
            JournalEntry after = await(store.append("ok", Fixtures.data(2)));

            ExecutionException failure = assertThrows(ExecutionException.class, () -> await(nan));
            assertInstanceOf(IllegalArgumentException.class, failure.getCause());
            assertEquals(before.seq() + 1, after.seq());
            assertEquals(before.hash(), after.prevHash());
            assertEquals(2, store.size());
        }
    }
}
