package io.countersign.records;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The change record of one request (docs/report-format.md §7): who asked (the agent and the humans it acts for),
 * why (the justification), which policy (version, outcome, rules fired, reasons), who approved (each vote: reviewer,
 * groups, channel, time, comment), when it ran (grant issued, used) and what happened (the execution report), each
 * fact with the journal seq and entry hash it comes from. Made only from journal entries, in seq order, by
 * {@link #accept}; {@link #toJson()} and {@link #toHtml()} give the same bytes for the same entries.
 */
public final class ChangeRecord {

    public static final String FORMAT = "countersign-change-record/1";

    /** The entry types that say something in a record; the others (notifications, keys, policy) are left out. */
    public static final Set<String> TYPES = Set.of("request.received", "policy.decided", "breakglass.invoked",
            "request.escalated", "standing.used", "review.accepted", "review.refused", "request.approved",
            "request.denied", "request.expired", "grant.issued", "grant.consumed", "grant.refused",
            "execution.reported");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private final String request;
    /**
     * The facts by name, in the order first set: each a compact JSON object, or a list of them. Kept as bytes, not
     * trees: a report holds thousands of records at once, and a tree is some ten times larger and hundreds of objects.
     */
    private final Map<String, Object> facts = new LinkedHashMap<>();

    private ChangeRecord(String request) {
        this.request = request;
    }

    /** An empty record of {@code request}, to be given its entries. */
    public static ChangeRecord of(String request) {
        return new ChangeRecord(request);
    }

    /** A record written by {@link #toCompactJson()}, to be given more entries. */
    public static ChangeRecord fromCompactJson(byte[] json) {
        JsonNode model;
        try {
            model = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a " + FORMAT + " record: " + e.getMessage(), e);
        }
        if (model == null || !model.isObject() || !FORMAT.equals(model.path("format").asText())) {
            throw new IllegalArgumentException("not a " + FORMAT + " record");
        }
        ChangeRecord record = new ChangeRecord(model.path("request").asText());
        for (var fields = model.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (field.getValue().isArray()) {
                List<byte[]> list = new ArrayList<>();
                field.getValue().forEach(fact -> list.add(bytes(fact)));
                record.facts.put(field.getKey(), list);
            } else if (field.getValue().isObject()) {
                record.facts.put(field.getKey(), bytes(field.getValue()));
            }
        }
        return record;
    }

    public String request() {
        return request;
    }

    /**
     * Takes in one entry of this request (one whose {@code data.request} names it), in seq order; an entry of a
     * type outside {@link #TYPES}, or of another request, changes nothing.
     *
     * @param hash the entry hash, {@code sha256:<hex>}
     */
    public void accept(long seq, String hash, JsonNode entry) {
        String type = entry.path("type").asText();
        JsonNode data = entry.path("data");
        if (!TYPES.contains(type) || !request.equals(data.path("request").asText())) {
            return;
        }
        String time = entry.path("time").asText();
        ObjectNode fact = sourced(seq, hash, time);
        switch (type) {
            case "request.received" -> {
                JsonNode action = data.path("action");
                fact.put("agent", data.path("agent").path("id").asText());
                copyTexts(data.path("agent").path("actsFor"), fact.putArray("agentActsFor"));
                copyTexts(action.path("onBehalfOf"), fact.putArray("onBehalfOf"));
                fact.put("action", action.path("action").asText());
                fact.put("resource", action.path("resource").asText());
                fact.put("environment", action.path("environment").asText());
                fact.put("digest", data.path("digest").asText());
                fact.put("receivedAt", data.path("receivedAt").asText());
                set("asked", fact);
                ObjectNode why = sourced(seq, hash, time);
                why.put("justification", data.path("justification").asText());
                set("why", why);
            }
            case "breakglass.invoked" -> {
                fact.put("reason", data.path("reason").asText());
                set("breakGlass", fact);
            }
            case "policy.decided" -> {
                fact.put("version", data.path("policyVersion").asText());
                fact.put("outcome", data.path("outcome").asText());
                fact.put("status", data.path("status").asText());
                copyTexts(data.path("rules"), fact.putArray("rules"));
                copyTexts(data.path("reasons"), fact.putArray("reasons"));
                fact.put("breakGlass", data.has("breakGlass"));
                if (data.has("deadline")) {
                    fact.put("deadline", data.path("deadline").asText());
                }
                set("policy", fact);
            }
            case "request.escalated" -> {
                fact.put("level", data.path("level").asLong());
                fact.put("group", data.path("group").asText());
                add("escalations", fact);
            }
            case "standing.used" -> {
                fact.put("standing", data.path("standing").asText());
                fact.put("approver", data.path("approver").asText());
                fact.put("use", data.path("use").asLong());
                fact.put("maxUses", data.path("maxUses").asLong());
                set("standingApproval", fact);
            }
            case "review.accepted" -> {
                fact.put("reviewer", data.path("reviewer").asText());
                fact.put("verdict", data.path("verdict").asText());
                copyTexts(data.path("groups"), fact.putArray("groups"));
                fact.put("channel", data.path("channel").asText());
                fact.put("at", data.path("at").asText(time));
                fact.put("comment", data.path("comment").asText(""));
                JsonNode stepUp = data.path("evidence").path("artifact").path("stepUp");
                if (stepUp.isObject()) {
                    // the approval was a passkey assertion over this request: say which passkey
                    fact.put("passkey", stepUp.path("credentialId").asText());
                }
                add("votes", fact);
            }
            case "review.refused" -> {
                fact.put("reviewer", data.path("reviewer").asText());
                fact.put("verdict", data.path("verdict").asText());
                fact.put("reason", data.path("reason").asText());
                fact.put("detail", data.path("detail").asText(""));
                fact.put("channel", data.path("channel").asText());
                add("refusedVotes", fact);
            }
            case "request.approved", "request.denied", "request.expired" -> {
                fact.put("status", data.path("status").asText());
                fact.put("cause", data.path("cause").asText(""));
                set("closed", fact);
            }
            case "grant.issued" -> {
                fact.put("grant", data.path("grant").asText());
                fact.put("issuedAt", data.path("issuedAt").asText());
                fact.put("expiresAt", data.path("expiresAt").asText());
                copyTexts(data.path("approvers"), fact.putArray("approvers"));
                set("grant", fact);
            }
            case "grant.consumed" -> {
                fact.put("by", data.path("by").asText());
                set("grantUsed", fact);
            }
            case "grant.refused" -> {
                fact.put("reason", data.path("reason").asText());
                fact.put("detail", data.path("detail").asText(""));
                fact.put("by", data.path("by").asText());
                add("grantRefusals", fact);
            }
            case "execution.reported" -> {
                fact.put("outcome", data.path("outcome").asText());
                fact.put("by", data.path("by").asText());
                fact.put("detail", data.path("detail").asText(""));
                if (data.has("affected")) {
                    fact.put("affected", data.path("affected").asLong());
                }
                if (data.has("resultDigest")) {
                    fact.put("resultDigest", data.path("resultDigest").asText());
                }
                set("execution", fact);
            }
            default -> {
                // TYPES lists exactly the cases above
            }
        }
    }

    /** Whether the record holds the request's first entry (a range that starts after it does not). */
    public boolean complete() {
        return facts.containsKey("asked");
    }

    /** The record as JSON: two-space indented, {@code \n} line ends, one final {@code \n}. */
    public String toJson() {
        try {
            return PRETTY.writeValueAsString(model()) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record as an accessible HTML page (well-formed XHTML, no script). */
    public String toHtml() {
        return ChangeRecordHtml.render(model());
    }

    /**
     * The record in the fewest bytes, for {@link #fromCompactJson}: the facts' bytes joined as they are (a report
     * stores every request's record this way, so nothing is parsed again here).
     */
    public byte[] toCompactJson() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1024);
        try {
            out.write(HEAD);
            out.write(JSON.writeValueAsBytes(request));
            for (Map.Entry<String, Object> fact : facts.entrySet()) {
                out.write(',');
                out.write(JSON.writeValueAsBytes(fact.getKey()));
                out.write(':');
                if (fact.getValue() instanceof byte[] bytes) {
                    out.write(bytes);
                } else {
                    out.write('[');
                    List<?> list = (List<?>) fact.getValue();
                    for (int i = 0; i < list.size(); i++) {
                        if (i > 0) {
                            out.write(',');
                        }
                        out.write((byte[]) list.get(i));
                    }
                    out.write(']');
                }
            }
            out.write('}');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static final byte[] HEAD = ("{\"format\":\"" + FORMAT + "\",\"request\":")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private ObjectNode model() {
        ObjectNode model = JSON.createObjectNode();
        model.put("format", FORMAT);
        model.put("request", request);
        try {
            for (Map.Entry<String, Object> fact : facts.entrySet()) {
                if (fact.getValue() instanceof byte[] bytes) {
                    model.set(fact.getKey(), JSON.readTree(bytes));
                } else {
                    ArrayNode list = model.putArray(fact.getKey());
                    for (Object each : (List<?>) fact.getValue()) {
                        list.add(JSON.readTree((byte[]) each));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return model;
    }

    /** A fact the request has once; a later entry of the same kind (none is allowed) replaces it in its place. */
    private void set(String name, ObjectNode fact) {
        facts.put(name, bytes(fact));
    }

    @SuppressWarnings("unchecked")
    private void add(String name, ObjectNode fact) {
        ((List<byte[]>) facts.computeIfAbsent(name, key -> new ArrayList<byte[]>())).add(bytes(fact));
    }

    private static ObjectNode sourced(long seq, String hash, String time) {
        ObjectNode fact = JSON.createObjectNode();
        fact.put("time", time);
        ObjectNode source = fact.putObject("source");
        source.put("seq", seq);
        source.put("hash", hash);
        return fact;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTexts(JsonNode from, ArrayNode to) {
        from.forEach(each -> to.add(each.asText()));
    }
}
