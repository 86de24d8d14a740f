package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OcsfFormatTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final OcsfFormat format = new OcsfFormat(Samples.ORIGIN);

    private static JsonNode schema() throws IOException {
        try (InputStream in = OcsfFormatTest.class.getResourceAsStream("/ocsf/required-1.8.0.json")) {
            return MAPPER.readTree(in);
        }
    }

    @Test
    void everyEntryTypeIsAnEventWithItsClassRequiredAttributes() throws IOException {
        JsonNode schema = schema();
        for (JournalEntry entry : Samples.all()) {
            JsonNode event = MAPPER.readTree(format.format(entry));
            List<String> problems = problems(schema, event);
            if (!problems.isEmpty()) {
                fail(entry.type() + " (seq " + entry.seq() + "): " + problems + "\n" + event.toPrettyString());
            }
        }
    }

    @Test
    void theCheckerFindsWhatIsMissing() throws IOException {
        JsonNode schema = schema();
        JsonNode event = MAPPER.readTree(format.format(Samples.all().get(0)));
        ((com.fasterxml.jackson.databind.node.ObjectNode) event).remove("src_endpoint");
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("metadata").get("product")).remove("vendor_name");
        ((com.fasterxml.jackson.databind.node.ObjectNode) event).put("type_uid", 600301);
        List<String> problems = problems(schema, event);
        assertTrue(problems.contains("missing src_endpoint"), problems.toString());
        assertTrue(problems.contains("missing metadata.product.vendor_name"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("type_uid")), problems.toString());
    }

    @Test
    void everyEventCarriesSeqHashAndRequest() throws IOException {
        for (JournalEntry entry : Samples.all()) {
            JsonNode event = MAPPER.readTree(format.format(entry));
            assertEquals(entry.seq(), event.at("/metadata/sequence").asLong());
            assertEquals(entry.hash(), event.at("/metadata/uid").asText());
            assertEquals(entry.hash(), event.at("/unmapped/countersign/hash").asText());
            assertEquals(entry.prevHash(), event.at("/unmapped/countersign/prev").asText());
            assertEquals("1.8.0", event.at("/metadata/version").asText());
            assertEquals(entry.time().toEpochMilli(), event.get("time").asLong());
            if (entry.data().has("request")) {
                assertEquals(entry.data().get("request").asText(), event.at("/metadata/correlation_uid").asText());
            }
        }
    }

    @Test
    void classesFollowTheReference() throws IOException {
        Map<String, Integer> classes = new java.util.LinkedHashMap<>();
        for (JournalEntry entry : Samples.all()) {
            JsonNode event = MAPPER.readTree(format.format(entry));
            classes.putIfAbsent(entry.type() + "/" + entry.data().path("reason").asText(entry.data().path("code")
                    .asText()), event.get("class_uid").asInt());
        }
        assertEquals(2004, classes.get("review.refused/self-approval"));
        assertEquals(6003, classes.get("review.refused/not-pending"));
        assertEquals(2004, classes.get("grant.refused/action-mismatch"));
        assertEquals(6003, classes.get("grant.refused/expired"));
        assertEquals(2004, classes.get("channel.refused/bad-signature"));
        assertEquals(2004, classes.get("access.refused/credential-unknown"));
        assertEquals(3005, classes.get("standing.granted/"));
        assertEquals(6003, classes.get("request.received/"));
        assertEquals(6003, classes.get("some.future.type/"));
    }

    @Test
    void formattingLeavesTheJournalsEntriesAsTheyWere() {
        for (JournalEntry entry : Samples.all()) {
            String before = entry.data().toString();
            format.format(entry);
            new CefFormat(Samples.ORIGIN).format(entry);
            new PlainJsonFormat(Samples.ORIGIN).format(entry);
            assertEquals(before, entry.data().toString(), entry.type() + ": entries are shared with the journal");
        }
    }

    @Test
    void accessRefusalsAreFindingsThatCountWhatWasAggregated() throws IOException {
        List<JournalEntry> refusals = Samples.all().stream().filter(e -> e.type().equals("access.refused")).toList();
        JsonNode carrier = MAPPER.readTree(format.format(refusals.get(0)));
        assertEquals("access.refused: credential-unknown", carrier.at("/finding_info/title").asText());
        assertEquals(4981, carrier.get("count").asLong());
        assertEquals(java.time.Instant.parse("2026-12-07T09:59:03Z").toEpochMilli(), carrier.get("start_time").asLong());
        assertEquals(java.time.Instant.parse("2026-12-07T10:00:02Z").toEpochMilli(), carrier.get("end_time").asLong());
        assertEquals("intake-rest", carrier.at("/evidences/0/dst_endpoint/svc_name").asText());
        assertEquals("hmac-sha256:0123456789abcdef0123456789abcdef",
                carrier.at("/evidences/0/src_endpoint/uid").asText());
        assertEquals(3, carrier.get("severity_id").asInt());
        JsonNode summary = MAPPER.readTree(format.format(refusals.get(1)));
        assertEquals(300, summary.get("count").asLong());
        assertTrue(summary.at("/evidences/0/src_endpoint").isMissingNode(), "a summary names no single client");
        assertEquals(2, summary.get("severity_id").asInt());
    }

    @Test
    void decisionsCarryTheSecurityControlProfile() throws IOException {
        JournalEntry decided = Samples.all().stream().filter(e -> e.type().equals("policy.decided")).findFirst()
                .orElseThrow();
        JsonNode event = MAPPER.readTree(format.format(decided));
        assertEquals(14, event.get("disposition_id").asInt()); // delayed: review needed
        assertEquals("REVIEW", event.at("/authorizations/0/decision").asText());
        assertEquals(decided.data().get("policyVersion").asText(), event.at("/authorizations/0/policy/uid").asText());
        assertTrue(event.at("/metadata/profiles").toString().contains("security_control"));
        JsonNode received = MAPPER.readTree(format.format(Samples.all().get(0)));
        assertEquals(2, received.get("activity_id").asInt()); // data.export reads
        assertEquals(600302, received.get("type_uid").asInt());
    }

    @Test
    void channelArtifactsAndRuleFilesLeaveOnlyAsHashes() {
        for (JournalEntry entry : Samples.all()) {
            String text = format.format(entry) + new PlainJsonFormat(Samples.ORIGIN).format(entry)
                    + new CefFormat(Samples.ORIGIN).format(entry);
            assertFalse(text.contains("secret-jwt"), entry.type());
            assertFalse(text.contains("when then end"), entry.type());
        }
        String accepted = format.format(Samples.all().stream().filter(e -> e.type().equals("review.accepted"))
                .findFirst().orElseThrow());
        assertTrue(accepted.contains("artifactSha256"));
    }

    @Test
    void crudOfActionNames() {
        assertEquals(2, OcsfFormat.crud("data.export"));
        assertEquals(4, OcsfFormat.crud("db.drop-table"));
        assertEquals(1, OcsfFormat.crud("user.create"));
        assertEquals(3, OcsfFormat.crud("iam.grant-role"));
    }

    /** What the required-attribute table says is wrong with {@code event}; empty when it validates. */
    static List<String> problems(JsonNode schema, JsonNode event) {
        List<String> problems = new ArrayList<>();
        for (JsonNode attribute : schema.get("base")) {
            require(event, attribute.asText(), "", problems);
        }
        JsonNode type = schema.at("/classes/" + event.path("class_uid").asInt());
        if (type.isMissingNode()) {
            problems.add("unknown class " + event.path("class_uid"));
            return problems;
        }
        type.get("required").forEach(a -> require(event, a.asText(), "", problems));
        if (event.path("category_uid").asInt() != type.get("category").asInt()) {
            problems.add("category_uid " + event.path("category_uid"));
        }
        int activity = event.path("activity_id").asInt(-1);
        if (!contains(type.get("activities"), activity)) {
            problems.add("activity_id " + activity);
        }
        if (activity == 99 && !event.path("activity_name").isTextual()) {
            problems.add("activity_id 99 without activity_name");
        }
        if (event.path("type_uid").asLong() != event.path("class_uid").asLong() * 100 + activity) {
            problems.add("type_uid " + event.path("type_uid"));
        }
        if (!contains(schema.get("severity_id"), event.path("severity_id").asInt(-1))) {
            problems.add("severity_id " + event.path("severity_id"));
        }
        if (!event.path("time").isIntegralNumber()) {
            problems.add("time is not a timestamp (ms)");
        }
        for (Map.Entry<String, JsonNode> binding : iterable(schema.get("attribute_objects"))) {
            JsonNode value = at(event, binding.getKey());
            if (value == null) {
                continue;
            }
            JsonNode object = schema.at("/objects/" + binding.getValue().asText());
            if (object.has("required")) {
                object.get("required").forEach(a -> require(value, a.asText(), binding.getKey() + ".", problems));
            }
            if (object.has("at_least_one")) {
                boolean any = false;
                for (JsonNode a : object.get("at_least_one")) {
                    any |= value.has(a.asText()) && !value.get(a.asText()).isNull();
                }
                if (!any) {
                    problems.add(binding.getKey() + " has none of " + object.get("at_least_one"));
                }
            }
        }
        if (event.has("action_id") && !contains(schema.at("/security_control/action_id"),
                event.get("action_id").asInt())) {
            problems.add("action_id " + event.get("action_id"));
        }
        if (event.has("disposition_id") && !contains(schema.at("/security_control/disposition_id"),
                event.get("disposition_id").asInt())) {
            problems.add("disposition_id " + event.get("disposition_id"));
        }
        return problems;
    }

    private static void require(JsonNode node, String attribute, String prefix, List<String> problems) {
        if (!node.has(attribute) || node.get(attribute).isNull()) {
            problems.add("missing " + prefix + attribute);
        }
    }

    private static JsonNode at(JsonNode event, String dotted) {
        JsonNode node = event;
        for (String part : dotted.split("\\.")) {
            node = node.get(part);
            if (node == null || !node.isObject()) {
                return null;
            }
        }
        return node;
    }

    private static boolean contains(JsonNode array, int value) {
        for (JsonNode v : array) {
            if (v.asInt() == value) {
                return true;
            }
        }
        return false;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        return () -> object.fields();
    }
}
