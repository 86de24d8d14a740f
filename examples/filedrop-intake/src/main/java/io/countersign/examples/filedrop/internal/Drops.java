package io.countersign.examples.filedrop.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Verdict;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reads the two kinds of drop, already parsed by {@code StrictJson}, or says exactly what is wrong with one. */
final class Drops {

    private static final Set<String> REQUEST_FIELDS = Set.of("agentKey", "action", "resource", "environment",
            "parameters", "justification", "onBehalfOf");
    private static final Set<String> REVIEW_FIELDS = Set.of("reviewerToken", "request", "digest", "verdict",
            "comment");

    /** A field-level problem; its message names the field. */
    static final class InvalidDrop extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidDrop(String message) {
            super(message);
        }
    }

    /** An agent's request: its API key, as the REST API's Authorization header would carry it, and the action. */
    record RequestDrop(String agentKey, ActionSubmission submission) {
    }

    /** A reviewer's verdict on the request with this id, for the action with this digest (the one they were shown). */
    record ReviewDrop(String reviewerToken, String requestId, String digest, Verdict verdict, String comment) {
    }

    private Drops() {
    }

    static RequestDrop request(JsonNode body) throws InvalidDrop {
        onlyKnown(body, REQUEST_FIELDS);
        JsonNode parameters = body.get("parameters");
        if (parameters == null || parameters.isNull()) {
            parameters = JsonNodeFactory.instance.objectNode();
        } else if (!parameters.isObject()) {
            throw new InvalidDrop("'/parameters' must be a JSON object");
        }
        return new RequestDrop(required(body, "agentKey"), new ActionSubmission(required(body, "action"),
                required(body, "resource"), parameters, required(body, "environment"), humans(body.get("onBehalfOf")),
                required(body, "justification")));
    }

    static ReviewDrop review(JsonNode body) throws InvalidDrop {
        onlyKnown(body, REVIEW_FIELDS);
        Verdict verdict = Verdict.fromWire(required(body, "verdict"));
        if (verdict == null) {
            throw new InvalidDrop("'/verdict' must be \"approve\" or \"deny\"");
        }
        JsonNode comment = body.get("comment");
        if (comment != null && !comment.isNull() && !comment.isTextual()) {
            throw new InvalidDrop("'/comment' must be a string");
        }
        return new ReviewDrop(required(body, "reviewerToken"), required(body, "request"), required(body, "digest"),
                verdict, comment == null || comment.isNull() ? null : comment.textValue());
    }

    private static List<String> humans(JsonNode node) throws InvalidDrop {
        List<String> humans = new ArrayList<>();
        if (node == null || node.isNull()) {
            return humans;
        }
        if (node.isTextual()) {
            humans.add(node.textValue());
            return humans;
        }
        if (!node.isArray()) {
            throw new InvalidDrop("'/onBehalfOf' must be a string or an array of strings");
        }
        for (JsonNode human : node) {
            if (!human.isTextual() || human.textValue().isBlank()) {
                throw new InvalidDrop("'/onBehalfOf' must hold only non-empty strings");
            }
            humans.add(human.textValue());
        }
        return humans;
    }

    private static void onlyKnown(JsonNode body, Set<String> known) throws InvalidDrop {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidDrop("unknown field '" + name + "'; expected only " + known.stream().sorted().toList());
            }
        }
    }

    private static String required(JsonNode body, String field) throws InvalidDrop {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw new InvalidDrop("'/" + field + "' is required: a non-empty string");
        }
        return value.textValue();
    }
}
