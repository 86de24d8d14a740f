package io.countersign.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class ChangeRecordTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode entry(String type, String time, String data) throws Exception {
        return JSON.readTree("{\"type\":\"" + type + "\",\"time\":\"" + time + "\",\"data\":" + data + "}");
    }

    private static ChangeRecord sample() throws Exception {
        ChangeRecord record = ChangeRecord.of("req-1");
        record.accept(10, "sha256:aa", entry("request.received", "2026-12-01T10:00:00Z",
                "{\"request\":\"req-1\",\"receivedAt\":\"2026-12-01T10:00:00Z\",\"justification\":\"<b>why</b> & how\","
                        + "\"agent\":{\"id\":\"agent-7\",\"actsFor\":[\"alice\"]},\"digest\":\"sha256:dd\","
                        + "\"action\":{\"action\":\"db.drop\",\"resource\":\"orders\",\"environment\":\"prod\","
                        + "\"onBehalfOf\":[\"alice\"]}}"));
        record.accept(11, "sha256:bb", entry("policy.decided", "2026-12-01T10:00:01Z",
                "{\"request\":\"req-1\",\"outcome\":\"REVIEW\",\"status\":\"pending\",\"rules\":[\"prod\"],"
                        + "\"reasons\":[\"production\"],\"policyVersion\":\"v3\"}"));
        record.accept(12, "sha256:cc", entry("notification.sent", "2026-12-01T10:00:02Z",
                "{\"request\":\"req-1\",\"channel\":\"slack\"}"));
        record.accept(13, "sha256:ee", entry("review.accepted", "2026-12-01T10:05:00Z",
                "{\"request\":\"req-2\",\"reviewer\":\"mallory\",\"verdict\":\"approve\"}"));
        record.accept(14, "sha256:ff", entry("review.accepted", "2026-12-01T10:06:00Z",
                "{\"request\":\"req-1\",\"reviewer\":\"bob\",\"verdict\":\"approve\",\"groups\":[\"dba\"],"
                        + "\"channel\":\"slack\",\"at\":\"2026-12-01T10:06:00Z\",\"comment\":\"ok ]]> \\u0001\"}"));
        return record;
    }

    @Test
    void eachFact_namesTheEntryItComesFrom_andOtherRequestsOrTypesChangeNothing() throws Exception {
        JsonNode record = JSON.readTree(sample().toJson());
        assertEquals("agent-7", record.path("asked").path("agent").asText());
        assertEquals("alice", record.path("asked").path("onBehalfOf").path(0).asText());
        assertEquals(10, record.path("asked").path("source").path("seq").asLong());
        assertEquals("sha256:aa", record.path("why").path("source").path("hash").asText());
        assertEquals("v3", record.path("policy").path("version").asText());
        assertEquals(11, record.path("policy").path("source").path("seq").asLong());
        assertEquals(1, record.path("votes").size(), "mallory voted on another request");
        assertEquals(14, record.path("votes").path(0).path("source").path("seq").asLong());
        assertFalse(record.toString().contains("notification"));
    }

    @Test
    void anApprovalConfirmedWithAPasskey_saysWhichPasskey() throws Exception {
        ChangeRecord record = sample();
        record.accept(15, "sha256:99", entry("review.accepted", "2026-12-01T10:07:00Z",
                "{\"request\":\"req-1\",\"reviewer\":\"erin\",\"verdict\":\"approve\",\"groups\":[\"dba\"],"
                        + "\"channel\":\"console\",\"at\":\"2026-12-01T10:07:00Z\",\"evidence\":{\"artifact\":"
                        + "{\"stepUp\":{\"credentialId\":\"Y3JlZA\",\"signature\":\"c2ln\"}}}}"));
        JsonNode json = JSON.readTree(record.toJson());
        assertEquals("Y3JlZA", json.path("votes").path(1).path("passkey").asText());
        assertFalse(json.path("votes").path(0).has("passkey"), "bob clicked in Slack");
        assertTrue(record.toHtml().contains("Confirmed with passkey"), record.toHtml());
    }

    @Test
    void theCompactFormReadsBack_andTakesLaterEntries() throws Exception {
        ChangeRecord record = sample();
        ChangeRecord again = ChangeRecord.fromCompactJson(record.toCompactJson());
        assertEquals(record.toJson(), again.toJson());
        again.accept(20, "sha256:11", entry("request.approved", "2026-12-01T10:07:00Z",
                "{\"request\":\"req-1\",\"status\":\"approved\",\"cause\":\"quorum\"}"));
        assertEquals("approved", JSON.readTree(again.toJson()).path("closed").path("status").asText());
    }

    @Test
    void thePage_isWellFormedXhtml_withoutScript_andEscapesWhatTheAgentWrote() throws Exception {
        String html = sample().toHtml();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("<b>why</b>"));
        assertTrue(html.contains("&lt;b&gt;why&lt;/b&gt; &amp; how"), html);
        assertTrue(html.contains("lang=\"en\"") && html.contains("<th scope=\"row\">Reviewer</th>"), html);
        assertTrue(html.contains("seq 14, 2026-12-01T10:06:00Z, sha256:ff"), html);
        assertTrue(html.contains("No execution was reported."), html);
    }
}
