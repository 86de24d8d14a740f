package io.countersign.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.BreakGlassAllowance;
import io.countersign.api.Escalation;
import io.countersign.api.PolicyContext;
import io.countersign.api.Decision;
import io.countersign.api.ExecutionOutcome;
import io.countersign.api.ExecutionReport;
import io.countersign.api.Grant;
import io.countersign.api.GrantRefusal;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestStatus;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewRoute;
import io.countersign.api.ChannelEvent;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The data of each journal entry the approval flow writes, and the way back when the journal is replayed. The
 * readers of a request and its decision are public for offline tools (policy replay) that read the journal outside
 * OSGi: one reader of the format, not two.
 */
public final class JournalCodec {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private JournalCodec() {
    }

    static ObjectNode received(ActionRequest request, Agent agent) {
        ObjectNode data = JSON.objectNode();
        data.put("request", request.id());
        data.set("action", request.action().toJson());
        data.put("digest", request.digest());
        data.put("justification", request.justification());
        data.put("receivedAt", request.receivedAt().toString());
        if (request.idempotencyKey() != null) {
            data.put("idempotencyKey", request.idempotencyKey());
        }
        ObjectNode agentJson = data.putObject("agent");
        agentJson.put("id", agent.id());
        strings(agentJson.putArray("actsFor"), agent.actsFor());
        return data;
    }

    static ObjectNode decided(String requestId, Decision decision, RequestStatus status, Instant deadline,
                              Instant at) {
        return decided(requestId, decision, status, deadline, at, null);
    }

    /** @param context what the policy saw beyond the request, or {@code null} when the policy did not decide */
    static ObjectNode decided(String requestId, Decision decision, RequestStatus status, Instant deadline,
                              Instant at, PolicyContext context) {
        ObjectNode data = JSON.objectNode();
        data.put("request", requestId);
        data.put("at", at.toString());
        data.put("outcome", decision.outcome().name());
        data.put("status", status.wireName());
        strings(data.putArray("reasons"), decision.reasons());
        strings(data.putArray("rules"), decision.rules());
        data.put("policyVersion", decision.policyVersion());
        if (decision.route() != null) {
            data.set("route", route(decision.route()));
            if (deadline != null) {
                // a break-glass keeps the route the policy named but is never pending, so it has no deadline
                data.put("deadline", deadline.toString());
            }
        }
        if (decision.breakGlass() != null) {
            data.putObject("breakGlassAllowed").put("grantTtl", decision.breakGlass().grantTtl().toString());
        }
        if (context != null) {
            data.set("context", context(context));
        }
        return data;
    }

    static ObjectNode breakGlassGranted(ObjectNode decided, io.countersign.api.BreakGlass how) {
        decided.putObject("breakGlass").put("reason", how.reason()).put("grantTtl", how.grantTtl().toString())
                .put("reviewRequest", how.reviewRequest());
        return decided;
    }

    /** How a request got through by break-glass, from its {@code policy.decided} entry, or {@code null}. */
    static io.countersign.api.BreakGlass breakGlass(JsonNode decided) {
        JsonNode json = decided.get("breakGlass");
        return json == null ? null : new io.countersign.api.BreakGlass(json.path("reason").asText(),
                Duration.parse(json.path("grantTtl").asText()), json.path("reviewRequest").asText());
    }

    static ObjectNode breakGlassInvoked(String requestId, String agent, List<String> onBehalfOf, String reason,
                                        Instant at) {
        ObjectNode data = JSON.objectNode();
        data.put("request", requestId);
        data.put("agent", agent);
        strings(data.putArray("onBehalfOf"), onBehalfOf);
        data.put("reason", reason);
        data.put("at", at.toString());
        return data;
    }

    static ObjectNode escalated(String requestId, int level, String group, Instant at) {
        ObjectNode data = JSON.objectNode();
        data.put("request", requestId);
        data.put("level", level);
        data.put("group", group);
        data.put("at", at.toString());
        return data;
    }

    static ObjectNode context(PolicyContext context) {
        ObjectNode json = JSON.objectNode();
        ObjectNode groups = json.putObject("humanGroups");
        context.humanGroups().forEach((human, of) -> strings(groups.putArray(human), of));
        json.put("sameActionToday", context.sameActionToday());
        json.put("sameActionLastHour", context.sameActionLastHour());
        json.put("breakGlass", context.breakGlass());
        return json;
    }

    /** The context journaled with a decision; {@link PolicyContext#none()} for entries written before it was. */
    public static PolicyContext context(JsonNode data) {
        JsonNode json = data.path("context");
        if (!json.isObject()) {
            return PolicyContext.none();
        }
        java.util.Map<String, Set<String>> groups = new java.util.TreeMap<>();
        json.path("humanGroups").fields().forEachRemaining(e -> groups.put(e.getKey(), Set.copyOf(strings(e.getValue()))));
        return new PolicyContext(groups, json.path("sameActionToday").asLong(), json.path("sameActionLastHour").asLong(),
                json.path("breakGlass").asBoolean());
    }

    static ObjectNode route(ReviewRoute route) {
        ObjectNode json = JSON.objectNode();
        ArrayNode quorums = json.putArray("quorums");
        for (GroupQuorum quorum : route.quorums()) {
            quorums.addObject().put("group", quorum.group()).put("approvals", quorum.approvals());
        }
        json.put("timeout", route.timeout().toString());
        json.put("denialsToReject", route.denialsToReject());
        if (!route.escalations().isEmpty()) {
            ArrayNode ladder = json.putArray("escalations");
            for (Escalation step : route.escalations()) {
                ladder.addObject().put("after", step.after().toString()).put("group", step.group());
            }
        }
        if (!route.channels().isEmpty()) {
            strings(json.putArray("channels"), route.channels());
        }
        if (route.stepUp()) {
            json.put("stepUp", true);
        }
        return json;
    }

    static ObjectNode accepted(String requestId, String digest, Vote vote) {
        ObjectNode data = JSON.objectNode();
        data.put("request", requestId);
        data.put("digest", digest);
        data.put("reviewer", vote.reviewer());
        data.put("verdict", vote.verdict().wireName());
        data.put("at", vote.at().toString());
        if (vote.comment() != null) {
            data.put("comment", vote.comment());
        }
        strings(data.putArray("groups"), new TreeSet<>(vote.groups()));
        evidence(data, vote.evidence());
        return data;
    }

    static ObjectNode refused(String requestId, String reviewer, Collection<String> groups, Verdict verdict,
                              RefusalReason reason, String detail, ReviewEvidence evidence) {
        ObjectNode data = JSON.objectNode();
        data.put("request", requestId);
        data.put("reviewer", reviewer);
        strings(data.putArray("groups"), new TreeSet<>(groups));
        data.put("verdict", verdict.wireName());
        data.put("reason", reason.code());
        data.put("detail", detail);
        evidence(data, evidence);
        return data;
    }

    /** The channel a review came through and, for channels other than the API, what the channel verified. */
    private static void evidence(ObjectNode data, ReviewEvidence evidence) {
        data.put("channel", evidence.channel());
        if (evidence.replayKey() == null && evidence.digest() == null && evidence.artifact().isEmpty()) {
            return;
        }
        ObjectNode json = data.putObject("evidence");
        if (evidence.replayKey() != null) {
            json.put("replayKey", evidence.replayKey());
        }
        if (evidence.digest() != null) {
            json.put("digestShown", evidence.digest());
        }
        json.set("artifact", evidence.artifact().deepCopy());
    }

    private static ReviewEvidence evidence(JsonNode data) {
        String channel = data.path("channel").asText("api");
        JsonNode json = data.path("evidence");
        if (!json.isObject()) {
            return channel.equals("api") ? ReviewEvidence.api()
                    : new ReviewEvidence(channel, null, null, JSON.objectNode());
        }
        JsonNode artifact = json.path("artifact");
        return new ReviewEvidence(channel, json.hasNonNull("replayKey") ? json.get("replayKey").asText() : null,
                json.hasNonNull("digestShown") ? json.get("digestShown").asText() : null,
                artifact.isObject() ? (ObjectNode) artifact : JSON.objectNode());
    }

    static ObjectNode channelEvent(ChannelEvent event, Instant at) {
        ObjectNode data = JSON.objectNode();
        data.put("channel", event.channel());
        data.put("code", event.code());
        data.put("detail", event.detail());
        if (event.requestId() != null) {
            data.put("request", event.requestId());
        }
        if (event.reviewer() != null) {
            data.put("reviewer", event.reviewer());
        }
        data.put("at", at.toString());
        data.set("evidence", event.evidence().deepCopy());
        return data;
    }

    static ObjectNode channelEventsSuppressed(String channel, long count, Instant since, Instant at) {
        ObjectNode data = JSON.objectNode();
        data.put("channel", channel);
        data.put("code", "suppressed");
        data.put("detail", count + " more channel events since " + since + " were not journaled one by one:"
                + " the rate limit for unauthenticated callers was reached");
        data.put("count", count);
        data.put("at", at.toString());
        data.putObject("evidence");
        return data;
    }

    static ObjectNode closed(String requestId, RequestStatus status, String cause, Instant at) {
        ObjectNode data = JSON.objectNode();
        data.put("request", requestId);
        data.put("at", at.toString());
        data.put("status", status.wireName());
        data.put("cause", cause);
        return data;
    }

    static ObjectNode grantIssued(Grant grant) {
        ObjectNode data = JSON.objectNode();
        data.put("request", grant.requestId());
        data.put("grant", grant.id());
        data.put("agent", grant.agent());
        data.put("digest", grant.digest());
        strings(data.putArray("approvers"), grant.approvers());
        data.put("issuedAt", grant.issuedAt().toString());
        data.put("expiresAt", grant.expiresAt().toString());
        data.put("keyId", grant.keyId());
        return data;
    }

    /** The grant an entry records, without a token: tokens are bearer credentials and are never journaled. */
    static Grant grant(JsonNode data) {
        return new Grant(data.path("grant").asText(), data.path("request").asText(), data.path("agent").asText(),
                data.path("digest").asText(), strings(data.path("approvers")),
                Instant.parse(data.path("issuedAt").asText()), Instant.parse(data.path("expiresAt").asText()),
                data.path("keyId").asText(), null);
    }

    static ObjectNode grantConsumed(Grant grant, String by, Instant at) {
        ObjectNode data = JSON.objectNode();
        data.put("request", grant.requestId());
        data.put("grant", grant.id());
        data.put("digest", grant.digest());
        data.put("by", by);
        data.put("at", at.toString());
        return data;
    }

    static ObjectNode grantRefused(Grant grant, GrantRefusal reason, String detail, String presentedDigest,
                                   String by, Instant at) {
        ObjectNode data = JSON.objectNode();
        data.put("request", grant.requestId());
        data.put("grant", grant.id());
        data.put("reason", reason.code());
        data.put("detail", detail);
        data.put("presentedDigest", presentedDigest);
        data.put("by", by);
        data.put("at", at.toString());
        return data;
    }

    static ObjectNode executionReported(Grant grant, String by, ExecutionReport report) {
        ObjectNode data = JSON.objectNode();
        data.put("request", grant.requestId());
        data.put("grant", grant.id());
        data.put("digest", grant.digest());
        data.put("outcome", report.outcome().wireName());
        data.put("by", by);
        data.put("at", report.at().toString());
        if (report.resultDigest() != null) {
            data.put("resultDigest", report.resultDigest());
        }
        if (report.affected() != null) {
            data.put("affected", report.affected());
        }
        if (report.detail() != null) {
            data.put("detail", report.detail());
        }
        return data;
    }

    static ExecutionReport execution(JsonNode data) {
        JsonNode resultDigest = data.get("resultDigest");
        JsonNode affected = data.get("affected");
        JsonNode detail = data.get("detail");
        return new ExecutionReport(ExecutionOutcome.fromWire(data.path("outcome").asText()),
                resultDigest == null ? null : resultDigest.asText(), affected == null ? null : affected.asLong(),
                detail == null ? null : detail.asText(), at(data));
    }

    public static ActionRequest request(JsonNode data) {
        JsonNode action = data.path("action");
        List<String> onBehalfOf = strings(action.path("onBehalfOf"));
        Action parsed = new Action(action.path("action").asText(), action.path("resource").asText(),
                action.path("parameters"), action.path("environment").asText(), action.path("requester").asText(),
                onBehalfOf);
        JsonNode key = data.get("idempotencyKey");
        return new ActionRequest(data.path("request").asText(), parsed, data.path("justification").asText(),
                data.path("digest").asText(), Instant.parse(data.path("receivedAt").asText()),
                key == null ? null : key.asText());
    }

    public static Agent agent(JsonNode data) {
        JsonNode agent = data.path("agent");
        return new Agent(agent.path("id").asText(), strings(agent.path("actsFor")));
    }

    public static Decision decision(JsonNode data) {
        ReviewRoute route = null;
        JsonNode routeJson = data.get("route");
        if (routeJson != null) {
            List<GroupQuorum> quorums = new ArrayList<>();
            for (JsonNode quorum : routeJson.path("quorums")) {
                quorums.add(new GroupQuorum(quorum.path("group").asText(), quorum.path("approvals").asInt()));
            }
            List<Escalation> ladder = new ArrayList<>();
            for (JsonNode step : routeJson.path("escalations")) {
                ladder.add(new Escalation(Duration.parse(step.path("after").asText()), step.path("group").asText()));
            }
            route = new ReviewRoute(quorums, Duration.parse(routeJson.path("timeout").asText()),
                    routeJson.path("denialsToReject").asInt(1), ladder, strings(routeJson.path("channels")),
                    routeJson.path("stepUp").asBoolean(false));
        }
        JsonNode breakGlass = data.get("breakGlassAllowed");
        return new Decision(Outcome.valueOf(data.path("outcome").asText()), strings(data.path("reasons")),
                strings(data.path("rules")), data.path("policyVersion").asText(), route,
                breakGlass == null ? null : new BreakGlassAllowance(Duration.parse(breakGlass.path("grantTtl").asText())));
    }

    static Instant at(JsonNode data) {
        return Instant.parse(data.path("at").asText());
    }

    static RequestStatus status(JsonNode data) {
        return RequestStatus.fromWire(data.path("status").asText());
    }

    static Instant deadline(JsonNode data) {
        JsonNode deadline = data.get("deadline");
        return deadline == null ? null : Instant.parse(deadline.asText());
    }

    static Vote vote(JsonNode data) {
        Instant at = at(data);
        JsonNode comment = data.get("comment");
        return new Vote(data.path("reviewer").asText(), Verdict.fromWire(data.path("verdict").asText()),
                comment == null ? null : comment.asText(), Set.copyOf(strings(data.path("groups"))), at,
                evidence(data));
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
