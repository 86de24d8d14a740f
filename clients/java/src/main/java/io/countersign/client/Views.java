package io.countersign.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the API's JSON answers into the client's records. */
final class Views {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Views() {
    }

    static ActionRequest request(String body) throws UnexpectedAnswerException {
        try {
            return request(MAPPER.readTree(body));
        } catch (IOException | RuntimeException e) {
            throw new UnexpectedAnswerException("unexpected-answer", 200, "not a request view: "
                    + Problems.abbreviate(body) + " (" + e + ")", e);
        }
    }

    private static ActionRequest request(JsonNode json) {
        List<String> onBehalfOf = strings(json.path("onBehalfOf"));
        JsonNode parameters = json.path("parameters");
        Action action = new Action(text(json, "action"), text(json, "resource"), text(json, "environment"),
                parameters.isObject() ? (ObjectNode) parameters : null, onBehalfOf);
        List<ActionRequest.Vote> votes = new ArrayList<>();
        for (JsonNode vote : json.path("votes")) {
            votes.add(new ActionRequest.Vote(text(vote, "reviewer"), text(vote, "verdict"), text(vote, "channel"),
                    optionalText(vote, "comment"), instant(vote, "at")));
        }
        return new ActionRequest(text(json, "id"), Status.fromWire(text(json, "status")), text(json, "digest"), action,
                optionalText(json, "justification"), text(json, "requester"), instant(json, "receivedAt"),
                decision(json.path("decision")), votes, instant(json, "deadline"), instant(json, "decidedAt"),
                grant(json.get("grant")), execution(json.get("execution")), json.path("escalationLevel").asInt(0),
                json.path("version").asLong());
    }

    private static ActionRequest.Decision decision(JsonNode json) {
        ActionRequest.Route route = null;
        JsonNode r = json.get("route");
        if (r != null && r.isObject()) {
            List<ActionRequest.Quorum> quorums = new ArrayList<>();
            for (JsonNode q : r.path("quorums")) {
                quorums.add(new ActionRequest.Quorum(text(q, "group"), q.path("approvals").asInt()));
            }
            List<ActionRequest.Escalation> ladder = new ArrayList<>();
            for (JsonNode step : r.path("escalations")) {
                ladder.add(new ActionRequest.Escalation(Duration.parse(text(step, "after")), text(step, "group")));
            }
            Duration timeout = r.hasNonNull("timeout") ? Duration.parse(text(r, "timeout")) : null;
            route = new ActionRequest.Route(quorums, timeout, r.path("denialsToReject").asInt(1), ladder,
                    strings(r.path("channels")));
        }
        return new ActionRequest.Decision(text(json, "outcome"), strings(json.path("reasons")),
                strings(json.path("rules")), optionalText(json, "policyVersion"), route);
    }

    private static Grant grant(JsonNode json) {
        if (json == null || !json.isObject()) {
            return null;
        }
        return new Grant(text(json, "id"), text(json, "digest"), strings(json.path("approvers")),
                instant(json, "issuedAt"), instant(json, "expiresAt"), optionalText(json, "token"),
                instant(json, "consumedAt"));
    }

    private static ActionRequest.Execution execution(JsonNode json) {
        if (json == null || !json.isObject()) {
            return null;
        }
        return new ActionRequest.Execution(text(json, "outcome"), optionalText(json, "resultDigest"),
                json.hasNonNull("affected") ? json.get("affected").asLong() : null, optionalText(json, "detail"),
                instant(json, "at"));
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    private static Instant instant(JsonNode json, String field) {
        String value = optionalText(json, field);
        return value == null ? null : Instant.parse(value);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
