package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import io.countersign.api.SecurityEvents;
import io.countersign.api.testing.MutableClock;
import io.countersign.journal.internal.FileJournal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessRefusalsTest {

    private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final List<ObjectNode> entries = new ArrayList<>();

    @Test
    void aFloodOf100000RefusalsMakes41EntriesThatAddUpToEveryRefusal() {
        AccessRefusals refusals = new AccessRefusals(20, Duration.ofSeconds(60), clock, entries::add);
        for (int i = 0; i < 100_000; i++) {
            refusals.refused("intake-rest", "credential-unknown", 401, "unknown key", "hmac-sha256:c" + (i % 500));
            clock.advance(Duration.ofMillis(1));
        }
        refusals.flush();
        assertEquals(40, entries.size(), "the window that began at 60 s is not over at 100 s: nothing flushed yet");
        clock.set(START.plusSeconds(120));
        refusals.flush();

        assertEquals(41, entries.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(1, entries.get(i).get("refusals").asLong());
            assertEquals(0, entries.get(i).get("suppressed").asLong());
        }
        ObjectNode carrier = entries.get(20);
        assertEquals(59_980, carrier.get("suppressed").asLong(), "refusals 21 to 60,000 of the first minute");
        assertEquals(59_981, carrier.get("refusals").asLong());
        assertEquals(START.plusMillis(20).toString(), carrier.get("suppressedSince").asText());
        assertEquals(START.plusMillis(59_999).toString(), carrier.get("suppressedUntil").asText());
        assertEquals(500, carrier.get("suppressedClients").asInt());
        assertEquals("hmac-sha256:c0", carrier.get("client").asText());

        ObjectNode summary = entries.get(40);
        assertFalse(summary.has("client"), "a summary stands for many clients");
        assertEquals(39_980, summary.get("suppressed").asLong());
        assertEquals(39_980, summary.get("refusals").asLong());
        assertEquals(401, summary.get("status").asInt());
        assertEquals("credential-unknown", summary.get("code").asText());
        assertTrue(summary.get("detail").asText().startsWith("39980 refusals of intake-rest (credential-unknown)"));

        assertEquals(100_000, entries.stream().mapToLong(e -> e.get("refusals").asLong()).sum());
        assertEquals(0, refusals.pending());
    }

    @Test
    void aLongFloodStaysWithinTheBoundPerWindowWithFlushesRunning() {
        AccessRefusals refusals = new AccessRefusals(20, Duration.ofSeconds(60), clock, entries::add);
        long flushEveryMillis = 15_000;
        long sinceFlush = 0;
        for (int i = 0; i < 100_000; i++) {
            refusals.refused("intake-mcp", "credential-missing", 401, "no key", "hmac-sha256:" + i);
            clock.advance(Duration.ofMillis(36));
            sinceFlush += 36;
            if (sinceFlush >= flushEveryMillis) {
                refusals.flush();
                sinceFlush = 0;
            }
        }
        clock.advance(Duration.ofSeconds(61));
        refusals.flush();

        long minutes = Duration.ofMillis(100_000L * 36).toMinutes() + 2;
        assertTrue(entries.size() <= minutes * 20, entries.size() + " entries for " + minutes + " minutes");
        assertEquals(100_000, entries.stream().mapToLong(e -> e.get("refusals").asLong()).sum());
        assertTrue(entries.stream().allMatch(e -> e.get("suppressedClients") == null
                || e.get("suppressedClients").asInt() <= AccessRefusals.MAX_DISTINCT_CLIENTS));
        assertTrue(entries.stream().anyMatch(e -> e.has("suppressedClientsAtLeast")),
                "100,000 distinct clients overflow the bounded set, and the entry says the figure is a floor");
    }

    @Test
    void surfacesAndCodesAreLimitedApartAndTheirNumberIsBounded() {
        AccessRefusals refusals = new AccessRefusals(2, Duration.ofSeconds(60), clock, entries::add);
        for (int i = 0; i < 5; i++) {
            refusals.refused("intake-rest", "credential-unknown", 401, "unknown key", null);
            refusals.refused("intake-rest", "not-permitted", 403, "not allowed", null);
        }
        assertEquals(4, entries.size(), "two per pair");
        assertEquals(6, refusals.pending());

        entries.clear();
        for (int i = 0; i < AccessRefusals.MAX_KEYS * 2; i++) {
            refusals.refused("intake-rest", "code-" + i, 401, "many kinds", null);
        }
        assertTrue(entries.size() <= AccessRefusals.MAX_KEYS + 2, "pairs beyond the bound share one: "
                + entries.size());
        assertTrue(entries.stream().anyMatch(e -> e.get("surface").asText().equals(AccessRefusals.OVERFLOW_SURFACE)));
    }

    @Test
    void invalidLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AccessRefusals(0, Duration.ofSeconds(1), clock,
                entries::add));
        assertThrows(IllegalArgumentException.class, () -> new AccessRefusals(1, Duration.ZERO, clock,
                entries::add));
    }

    @Test
    void refusalsAreJournaledWithHashedClientsAndSurviveAFlood(@TempDir Path dir) throws Exception {
        byte[] key = new byte[32];
        key[0] = 7;
        try (FileJournal journal = FileJournal.open(dir.resolve("journal"), 1 << 20)) {
            SecurityEventJournal events = new SecurityEventJournal(journal, 3, Duration.ofSeconds(60), clock, key,
                    false);
            for (int i = 0; i < 1000; i++) {
                events.refused("intake-rest", "credential-unknown", 401, "an unknown agent key", "203.0.113.9");
            }
            clock.advance(Duration.ofSeconds(60));
            events.flush();
            journal.append("probe", new ObjectNode(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance))
                    .get();

            List<JournalEntry> journaled = journal.read(0, 100).stream()
                    .filter(e -> e.type().equals(SecurityEvents.ENTRY_TYPE)).toList();
            assertEquals(4, journaled.size());
            assertEquals(1000, journaled.stream().mapToLong(e -> e.data().get("refusals").asLong()).sum());
            String clientHash = journaled.get(0).data().get("client").asText();
            assertTrue(clientHash.matches("hmac-sha256:[0-9a-f]{32}"), clientHash);
            assertEquals(events.hash("203.0.113.9"), clientHash);
            assertNotEquals(events.hash("203.0.113.10"), clientHash);
            for (JournalEntry entry : journaled) {
                assertFalse(entry.data().toString().contains("203.0.113.9"), "no raw address: " + entry.data());
                assertTrue(entry.hash().matches("sha256:[0-9a-f]{64}"), entry.hash());
            }
        }
    }

    @Test
    void theClientKeyIsCreatedOnceOwnerOnlyAndReusedAfterARestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("security-events/client-address.key");
        byte[] first = SecurityEventJournal.loadOrCreateKey(file.toString());
        byte[] again = SecurityEventJournal.loadOrCreateKey(file.toString());
        assertEquals(32, first.length);
        assertEquals(java.util.HexFormat.of().formatHex(first), java.util.HexFormat.of().formatHex(again));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));

        Files.writeString(file, "not hex", StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> SecurityEventJournal.loadOrCreateKey(file.toString()));
    }
}
