package io.countersign.siem.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import java.util.Locale;
import java.util.Set;

/**
 * OCSF 1.8.0 events (docs/siem.md has the mapping of every entry type). Refusals that are attacks or policy
 * violations are Detection Findings (2004), a standing approval granted is User Access Management (3005), everything
 * else is API Activity (6003). Every event carries {@code metadata.uid} = the entry hash, {@code metadata.sequence} =
 * its seq, {@code metadata.correlation_uid} = its request, and the whole (redacted) entry in {@code unmapped}.
 */
final class OcsfFormat implements EventFormat {

    static final String VERSION = "1.8.0";
    static final int API_ACTIVITY = 6003;
    static final int DETECTION_FINDING = 2004;
    static final int USER_ACCESS = 3005;
    /** Refusals of unauthenticated or unauthorised callers, aggregated by the core (SecurityEvents). */
    static final String ACCESS_REFUSED = "access.refused";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** review.refused and grant.refused reasons that are an attack or a policy violation, not a late click. */
    private static final Set<String> FINDINGS = Set.of("self-approval", "not-eligible", "replayed",
            "digest-mismatch", "action-mismatch", "not-yours", "already-consumed");

    private final String origin;

    OcsfFormat(String origin) {
        this.origin = origin;
    }

    @Override
    public String name() {
        return "ocsf";
    }

    @Override
    public String format(JournalEntry entry) {
        return event(entry).toString();
    }

    ObjectNode event(JournalEntry entry) {
        ObjectNode data = Redaction.data(entry.data());
        String type = entry.type();
        ObjectNode event = JSON.objectNode();
        int classUid;
        int activityId;
        if (isFinding(type, data)) {
            classUid = DETECTION_FINDING;
            activityId = 1;
            finding(event, entry, data);
        } else if (type.equals("standing.granted")) {
            classUid = USER_ACCESS;
            activityId = 1;
            standingGranted(event, data);
        } else {
            classUid = API_ACTIVITY;
            activityId = type.equals("request.received") ? crud(data.path("action").path("action").asText())
                    : type.equals("standing.revoked") ? 4 : 99;
            apiActivity(event, entry, data);
        }
        event.put("class_uid", classUid);
        event.put("category_uid", classUid / 1000);
        event.put("activity_id", activityId);
        if (activityId == 99) {
            event.put("activity_name", type);
        }
        event.put("type_uid", classUid * 100L + activityId);
        event.put("time", entry.time().toEpochMilli());
        event.put("severity_id", severity(type, data));
        event.put("message", message(type, data));
        event.set("metadata", metadata(entry, data, event.has("action_id")));
        ObjectNode unmapped = event.putObject("unmapped").putObject("countersign");
        unmapped.put("origin", origin);
        unmapped.put("seq", entry.seq());
        unmapped.put("type", type);
        unmapped.put("prev", entry.prevHash());
        unmapped.put("hash", entry.hash());
        unmapped.set("data", data);
        return event;
    }

    private ObjectNode metadata(JournalEntry entry, ObjectNode data, boolean securityControl) {
        ObjectNode metadata = JSON.objectNode();
        metadata.put("version", VERSION);
        ObjectNode product = metadata.putObject("product");
        product.put("name", "Countersign");
        product.put("vendor_name", "Countersign");
        product.put("uid", origin);
        metadata.put("uid", entry.hash());
        metadata.put("sequence", entry.seq());
        metadata.put("event_code", entry.type());
        metadata.put("log_name", "journal");
        metadata.put("log_provider", origin);
        if (data.hasNonNull("request")) {
            metadata.put("correlation_uid", data.get("request").asText());
        }
        if (securityControl) {
            metadata.putArray("profiles").add("security_control");
        }
        return metadata;
    }

    private static boolean isFinding(String type, ObjectNode data) {
        return type.equals("channel.refused") || type.equals(ACCESS_REFUSED)
                || (type.equals("review.refused") || type.equals("grant.refused"))
                && FINDINGS.contains(data.path("reason").asText());
    }

    private static void finding(ObjectNode event, JournalEntry entry, ObjectNode data) {
        String code = data.has("code") ? data.path("code").asText() : data.path("reason").asText();
        ObjectNode info = event.putObject("finding_info");
        info.put("uid", entry.hash());
        info.put("title", entry.type() + ": " + code);
        info.put("desc", data.path("detail").asText(""));
        info.putArray("types").add(code);
        info.put("created_time", entry.time().toEpochMilli());
        event.put("is_alert", true);
        event.put("action_id", 2);
        event.put("disposition_id", 2);
        String who = firstText(data, "reviewer", "by");
        if (who != null) {
            event.putObject("actor").putObject("user").put("uid", who);
        }
        event.set("resources", requestResource(data));
        if (entry.type().equals(ACCESS_REFUSED)) {
            accessRefused(event, data);
        }
    }

    /**
     * {@code refusals} (this refusal plus those only counted) is the base event's {@code count}; the span of the
     * counted ones is {@code start_time}/{@code end_time}; the evidence names the surface that refused as the
     * service of {@code dst_endpoint} and the client's keyed hash (never its address) as {@code src_endpoint.uid}.
     */
    private static void accessRefused(ObjectNode event, ObjectNode data) {
        event.put("count", data.path("refusals").asLong(1));
        if (data.path("suppressed").asLong() > 0) {
            event.put("start_time", java.time.Instant.parse(data.path("suppressedSince").asText()).toEpochMilli());
            event.put("end_time", java.time.Instant.parse(data.path("suppressedUntil").asText()).toEpochMilli());
        }
        ObjectNode evidence = event.putArray("evidences").addObject();
        evidence.putObject("dst_endpoint").put("svc_name", data.path("surface").asText());
        if (data.hasNonNull("client")) {
            evidence.putObject("src_endpoint").put("uid", data.get("client").asText());
        }
    }

    private static void standingGranted(ObjectNode event, ObjectNode data) {
        JsonNode standing = data.path("standing");
        ObjectNode user = event.putObject("user");
        user.put("uid", standing.path("agent").asText());
        user.put("type_id", 99);
        user.put("type", "agent");
        ArrayNode privileges = event.putArray("privileges");
        privileges.add(standing.path("action").asText() + "@" + standing.path("environment").asText());
        ObjectNode actor = event.putObject("actor");
        actor.putObject("user").put("uid", standing.path("approver").asText());
        actor.put("app_name", "Countersign");
        ArrayNode resources = event.putArray("resources");
        ObjectNode resource = resources.addObject();
        resource.put("uid", standing.path("id").asText());
        resource.put("type", "countersign.standing-approval");
        if (standing.hasNonNull("resource")) {
            resources.addObject().put("name", standing.get("resource").asText());
        }
    }

    private void apiActivity(ObjectNode event, JournalEntry entry, ObjectNode data) {
        String type = entry.type();
        ObjectNode actor = event.putObject("actor");
        actor.put("app_name", "Countersign");
        String who = switch (type) {
            case "request.received" -> data.path("agent").path("id").asText(null);
            case "review.accepted", "review.refused" -> data.path("reviewer").asText(null);
            case "breakglass.invoked" -> data.path("agent").asText(null);
            case "standing.used" -> data.path("approver").asText(null);
            default -> firstText(data, "by", "author");
        };
        if (who != null) {
            ObjectNode user = actor.putObject("user");
            user.put("uid", who);
            if (data.path("groups").isArray()) {
                ArrayNode groups = user.putArray("groups");
                data.get("groups").forEach(g -> groups.addObject().put("name", g.asText()));
            }
        }
        ObjectNode api = event.putObject("api");
        api.put("operation", type);
        api.putObject("service").put("name", "countersign");
        if (data.hasNonNull("request")) {
            api.putObject("request").put("uid", data.get("request").asText());
        }
        ObjectNode source = event.putObject("src_endpoint");
        source.put("name", data.path("channel").asText("api"));
        source.put("uid", origin);
        if (type.equals("request.received")) {
            JsonNode action = data.path("action");
            ArrayNode resources = event.putArray("resources");
            ObjectNode resource = resources.addObject();
            resource.put("name", action.path("resource").asText());
            resource.put("type", action.path("action").asText());
            resource.putArray("labels").add("environment:" + action.path("environment").asText());
        } else if (data.hasNonNull("request")) {
            event.set("resources", requestResource(data));
        }
        securityControl(event, type, data);
        if (type.equals("execution.reported")) {
            boolean success = data.path("outcome").asText().equals("success");
            event.put("status_id", success ? 1 : 2);
        }
    }

    /** The outcome of the gate, where the entry is one: the {@code security_control} profile. */
    private static void securityControl(ObjectNode event, String type, ObjectNode data) {
        int action;
        int disposition;
        switch (type) {
            case "policy.decided" -> {
                String outcome = data.path("outcome").asText();
                action = outcome.equals("ALLOW") ? 1 : outcome.equals("DENY") ? 2 : 99;
                disposition = outcome.equals("ALLOW") ? 1 : outcome.equals("DENY") ? 2 : 14;
                ArrayNode authorizations = event.putArray("authorizations");
                ObjectNode authorization = authorizations.addObject();
                authorization.put("decision", outcome);
                ObjectNode policy = authorization.putObject("policy");
                policy.put("uid", data.path("policyVersion").asText());
                policy.put("version", data.path("policyVersion").asText());
                policy.put("name", String.join(",", texts(data.path("rules"))));
            }
            case "request.approved" -> {
                action = 1;
                disposition = 8;
            }
            case "request.denied" -> {
                action = 2;
                disposition = 25;
            }
            case "request.expired", "grant.refused", "review.refused" -> {
                action = 2;
                disposition = 2;
            }
            case "grant.consumed" -> {
                action = 1;
                disposition = 1;
            }
            default -> {
                return;
            }
        }
        event.put("action_id", action);
        event.put("disposition_id", disposition);
    }

    private static ArrayNode requestResource(ObjectNode data) {
        ArrayNode resources = JSON.arrayNode();
        if (data.hasNonNull("request")) {
            ObjectNode resource = resources.addObject();
            resource.put("uid", data.get("request").asText());
            resource.put("type", "countersign.request");
        }
        return resources;
    }

    /** 1 Informational, 3 Medium, 4 High. */
    static int severity(String type, ObjectNode data) {
        String reason = data.path("reason").asText();
        return switch (type) {
            case "breakglass.invoked" -> 4;
            case "channel.refused" -> 3;
            case ACCESS_REFUSED -> data.path("code").asText().equals("credential-missing") ? 2 : 3;
            case "review.refused", "grant.refused" -> reason.equals("self-approval") || reason.equals("action-mismatch")
                    || reason.equals("digest-mismatch") || reason.equals("not-yours") ? 4
                    : FINDINGS.contains(reason) ? 3 : 1;
            case "notification.failed", "notification.unreachable" -> 2;
            default -> 1;
        };
    }

    /** CRUD of an agent's action name: read/export/query → Read, create → Create, delete → Delete, else Update. */
    static int crud(String action) {
        String name = action.toLowerCase(Locale.ROOT);
        if (name.matches(".*\\b(delete|drop|remove|destroy|purge|truncate)\\b.*")) {
            return 4;
        }
        if (name.matches(".*\\b(read|get|list|query|select|export|download|describe|view)\\b.*")) {
            return 2;
        }
        if (name.matches(".*\\b(create|insert|add|provision|new)\\b.*")) {
            return 1;
        }
        return 3;
    }

    private static String message(String type, ObjectNode data) {
        StringBuilder text = new StringBuilder(type);
        JsonNode action = data.path("action");
        if (action.isObject()) {
            text.append(' ').append(action.path("action").asText()).append(" on ")
                    .append(action.path("resource").asText()).append(" (")
                    .append(action.path("environment").asText()).append(')');
        }
        for (String member : new String[] {"status", "outcome", "verdict", "reason", "code"}) {
            if (data.path(member).isValueNode()) {
                text.append(' ').append(member).append('=').append(data.get(member).asText());
            }
        }
        return text.toString();
    }

    private static String firstText(ObjectNode data, String... members) {
        for (String member : members) {
            if (data.path(member).isTextual()) {
                return data.get(member).asText();
            }
        }
        return null;
    }

    private static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
