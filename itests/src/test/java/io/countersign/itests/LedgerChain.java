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
