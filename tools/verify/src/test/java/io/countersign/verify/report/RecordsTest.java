package io.countersign.verify.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode entry(String type, String request, String more) throws Exception {
        return JSON.readTree("{\"type\":\"" + type + "\",\"time\":\"2026-12-01T10:00:00Z\",\"data\":{\"request\":\""
                + request + "\"" + more + "}}");
    }

    @Test
    void recordsLeftTheHeap_areFoundAgain_andTakeLaterEntries() throws Exception {
        try (Records records = new Records(100, 2)) {
            long seq = 0;
            for (int i = 0; i < 6; i++) {
                records.accept("req-" + i, seq++, new byte[32], entry("request.received", "req-" + i,
                        ",\"justification\":\"because " + i + "\""));
            }
            records.done("req-1");
            for (int i = 0; i < 6; i++) {
                records.accept("req-" + i, seq++, new byte[32], entry("grant.refused", "req-" + i,
                        ",\"reason\":\"already-consumed\""));
            }
            for (int i = 0; i < 6; i++) {
                JsonNode record = JSON.readTree(records.record("req-" + i).orElseThrow().toJson());
                assertEquals("because " + i, record.path("why").path("justification").asText());
                assertEquals(1, record.path("grantRefusals").size(), record.toPrettyString());
                assertEquals(6 + i, record.path("grantRefusals").path(0).path("source").path("seq").asLong());
            }
            assertFalse(records.record("req-9").isPresent());
        }
    }

    @Test
    void moreRequestsThanTheStatedEntriesAllow_isRefused() throws Exception {
        try (Records records = new Records(10, 1)) {
            assertThrows(Records.Overflow.class, () -> {
                for (int i = 0; i < 1 << 16; i++) {
                    records.accept("req-" + i, i, new byte[32], entry("request.received", "req-" + i, ""));
                }
            });
        }
    }

    @Test
    void aRequestIdBecomesASafeMemberName() {
        assertEquals("records/req-1.html", Records.member("req-1", "html"));
        assertTrue(Records.member("../x/y z", "json").startsWith("records/..%2Fx%2Fy+z"));
    }
}
