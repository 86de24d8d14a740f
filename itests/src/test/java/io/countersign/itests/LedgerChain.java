package io.countersign.itests;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

/** Checks the ledger served over HTTP from its first entry: sequence, links, and every hash recomputed. */
final class LedgerChain {

    private LedgerChain() {
    }

    /**
     * Bad input changes nothing: the entries journaled from {@code before} on, if any, are all {@code access.refused},
     * the refused callers a SIEM is told about (docs/evidence-format.md §6.5), and at least one when
     * {@code refusalsExpected}. They are journaled a moment after the answer, so they are waited for.
     */
    static void assertOnlyRefusalsSince(Api api, String token, long before, boolean refusalsExpected)
            throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode entries = api.get("/v1/ledger/entries?from=" + before + "&limit=1000", token).body()
                    .path("entries");
            for (JsonNode entry : entries) {
                assertEquals("bad input journaled " + entry, "access.refused", entry.path("type").asText());
            }
            if (!refusalsExpected || !entries.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no access.refused entry was journaled for the refused calls");
            }
            Thread.sleep(100);
        }
    }

    /** Returns the number of entries verified. */
    static long verify(Api api, String token) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        String previous = "sha256:" + "0".repeat(64);
        long seq = 0;
        while (true) {
            JsonNode entries = api.get("/v1/ledger/entries?from=" + seq + "&limit=1000", token).body().path("entries");
            if (entries.isEmpty()) {
                return seq;
            }
            for (JsonNode entry : entries) {
                assertEquals(seq, entry.path("seq").asLong());
                assertEquals("entry " + seq + " links to its predecessor", previous, entry.path("prev").asText());
                byte[] canonical = JournalEntry.canonicalBytes(seq, Instant.parse(entry.path("time").asText()),
                        entry.path("type").asText(), (ObjectNode) entry.get("data"), entry.path("prev").asText());
                String hash = "sha256:" + HexFormat.of().formatHex(sha256.digest(canonical));
                assertEquals("entry " + seq + " hashes to what it claims", hash, entry.path("hash").asText());
                previous = hash;
                seq++;
            }
        }
    }
}
