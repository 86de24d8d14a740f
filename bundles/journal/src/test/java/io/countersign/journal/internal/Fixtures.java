package io.countersign.journal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import io.countersign.api.json.Jcs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

final class Fixtures {

    static final long SMALL_SEGMENT = 1024;

    private Fixtures() {
    }

    static JournalOptions small(Path directory) {
        return JournalOptions.defaults(directory).withSegmentBytes(SMALL_SEGMENT);
    }

    static ObjectNode data(int n) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("n", (long) n);
        data.put("request", "req-" + n);
        data.put("note", "zebra \u00e9\u6f22 \ud83d\ude00 \"quoted\"\n");
        data.putArray("list").add(1L).add(2.5).add(true).addNull();
        data.putObject("nested").put("b", 1L).put("a", "x");
        return data;
    }

    static long parseSeq(byte[] payload) {
        try {
            return io.countersign.api.json.StrictJson.mapper().readTree(payload).get("seq").asLong();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JournalEntry await(CompletableFuture<JournalEntry> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    static List<JournalEntry> appendAll(JournalStore store, int from, int count) throws Exception {
        List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            futures.add(store.append("test.entry", data(i)));
        }
        List<JournalEntry> entries = new ArrayList<>();
        for (CompletableFuture<JournalEntry> future : futures) {
            entries.add(await(future));
        }
        return entries;
    }

    /** Compares two entries field by field. */
    static void assertSameEntry(JournalEntry expected, JournalEntry actual) {
        assertEquals(expected.seq(), actual.seq(), "seq");
        assertEquals(expected.time(), actual.time(), "time of seq " + expected.seq());
        assertEquals(expected.type(), actual.type(), "type of seq " + expected.seq());
        assertEquals(Jcs.canonicalString(expected.data()), Jcs.canonicalString(actual.data()),
                "data of seq " + expected.seq());
        // Integers read back as long and other numbers as double, which is how the fixtures build them.
        assertEquals(expected.data(), actual.data(), "data nodes of seq " + expected.seq());
        assertEquals(expected.prevHash(), actual.prevHash(), "prev of seq " + expected.seq());
        assertEquals(expected.hash(), actual.hash(), "hash of seq " + expected.seq());
    }

    static void assertSameEntries(List<JournalEntry> expected, List<JournalEntry> actual) {
        assertEquals(expected.size(), actual.size(), "number of entries");
        for (int i = 0; i < expected.size(); i++) {
            assertSameEntry(expected.get(i), actual.get(i));
        }
    }
}
