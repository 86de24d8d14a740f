package io.countersign.intake.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionSubmission;
import io.countersign.api.ExecutionOutcome;
import io.countersign.api.ExecutionReport;
import io.countersign.api.Verdict;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns a validated JSON body into a submission or a verdict, or says precisely what is wrong with it. */
final class SubmissionParser {

    static final Set<String> ENVIRONMENTS = Set.of("production", "staging", "development");
    private static final Set<String> ACTION_FIELDS =
            Set.of("action", "resource", "parameters", "justification", "environment", "onBehalfOf");
    private static final Set<String> REVIEW_FIELDS = Set.of("verdict", "comment");
    private static final Set<String> CONSUME_FIELDS = Set.of("grant", "action");
    private static final Set<String> EXECUTION_FIELDS = Set.of("outcome", "resultDigest", "affected", "detail");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern ACTION_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    private static final int MAX_ACTION = 128;
    private static final int MAX_RESOURCE = 1024;
    private static final int MAX_TEXT = 4096;
    private static final int MAX_ON_BEHALF_OF = 8;

    /** A field-level problem, with the JSON pointer it concerns. */
    static final class InvalidInput extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidInput(String message) {
            super(message);
        }
    }

    private SubmissionParser() {
    }

    static ActionSubmission action(JsonNode body) throws InvalidInput {
        return action(body, "", true);
    }

    /** The action an enforcement point is about to run; its justification is not part of the digest. */
    record Consumption(String token, ActionSubmission action) {
    }

    static Consumption consumption(JsonNode body) throws InvalidInput {
        onlyKnownFields(body, CONSUME_FIELDS);
        String token = requiredString(body, "grant", 8192);
        JsonNode action = body.get("action");
        if (action == null || !action.isObject()) {
            throw new InvalidInput("'/action' is required: the action about to run, as it was submitted");
        }
        return new Consumption(token, action(action, "/action", false));
    }

    static ExecutionReport execution(JsonNode body) throws InvalidInput {
        onlyKnownFields(body, EXECUTION_FIELDS);
        ExecutionOutcome outcome;
        try {
            outcome = ExecutionOutcome.fromWire(requiredString(body, "outcome", 16));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("'/outcome' must be \"success\" or \"failure\"");
        }
        String resultDigest = optionalString(body, "resultDigest", 71);
        if (resultDigest != null && !DIGEST.matcher(resultDigest).matches()) {
            throw new InvalidInput("'/resultDigest' must be sha256: and 64 lower-case hex digits");
        }
        JsonNode affected = body.get("affected");
        Long count = null;
        if (affected != null && !affected.isNull()) {
            if (!affected.canConvertToExactIntegral() || !affected.canConvertToLong() || affected.longValue() < 0) {
                throw new InvalidInput("'/affected' must be a non-negative integer");
            }
            count = affected.longValue();
        }
        return new ExecutionReport(outcome, resultDigest, count, optionalString(body, "detail", MAX_TEXT), null);
    }

    private static String optionalString(JsonNode body, String field, int maxLength) throws InvalidInput {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return requiredString(body, field, maxLength);
    }

    private static ActionSubmission action(JsonNode body, String at, boolean justificationRequired)
            throws InvalidInput {
        try {
            return parseAction(body, justificationRequired);
        } catch (InvalidInput e) {
            throw at.isEmpty() ? e : new InvalidInput(e.getMessage().replace("'/", "'" + at + "/"));
        }
    }

    private static ActionSubmission parseAction(JsonNode body, boolean justificationRequired) throws InvalidInput {
        onlyKnownFields(body, ACTION_FIELDS);
        String action = requiredString(body, "action", MAX_ACTION);
        if (!ACTION_NAME.matcher(action).matches()) {
            throw new InvalidInput("'/action' must be dot-separated lower-case words such as 'data.export'");
        }
        String resource = requiredString(body, "resource", MAX_RESOURCE);
        String justification = justificationRequired ? requiredString(body, "justification", MAX_TEXT)
                : java.util.Objects.requireNonNullElse(optionalString(body, "justification", MAX_TEXT), "");
        String environment = requiredString(body, "environment", 32);
        if (!ENVIRONMENTS.contains(environment)) {
            throw new InvalidInput("'/environment' must be one of production, staging, development");
        }
        JsonNode parameters = body.get("parameters");
        if (parameters == null || parameters.isNull()) {
            parameters = JsonNodeFactory.instance.objectNode();
        } else if (!parameters.isObject()) {
            throw new InvalidInput("'/parameters' must be a JSON object");
        }
        return new ActionSubmission(action, resource, parameters, environment, onBehalfOf(body.get("onBehalfOf")),
                justification);
    }

    record ReviewInput(Verdict verdict, String comment) {
    }

    static ReviewInput review(JsonNode body) throws InvalidInput {
        onlyKnownFields(body, REVIEW_FIELDS);
        String verdictText = requiredString(body, "verdict", 16);
        Verdict verdict = Verdict.fromWire(verdictText);
        if (verdict == null) {
            throw new InvalidInput("'/verdict' must be \"approve\" or \"deny\"");
        }
        JsonNode comment = body.get("comment");
        if (comment != null && !comment.isNull()) {
            if (!comment.isTextual()) {
                throw new InvalidInput("'/comment' must be a string");
            }
            if (comment.textValue().length() > MAX_TEXT) {
                throw new InvalidInput("'/comment' is longer than " + MAX_TEXT + " characters");
            }
            return new ReviewInput(verdict, comment.textValue());
        }
        return new ReviewInput(verdict, null);
    }

    private static List<String> onBehalfOf(JsonNode node) throws InvalidInput {
        List<String> humans = new ArrayList<>();
        if (node == null || node.isNull()) {
            return humans;
        }
        if (node.isTextual()) {
            humans.add(nonBlank(node.textValue(), "/onBehalfOf"));
            return humans;
        }
        if (!node.isArray()) {
            throw new InvalidInput("'/onBehalfOf' must be a string or an array of strings");
        }
        if (node.size() > MAX_ON_BEHALF_OF) {
            throw new InvalidInput("'/onBehalfOf' names more than " + MAX_ON_BEHALF_OF + " humans");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode human = node.get(i);
            if (!human.isTextual()) {
                throw new InvalidInput("'/onBehalfOf/" + i + "' must be a string");
            }
            humans.add(nonBlank(human.textValue(), "/onBehalfOf/" + i));
        }
        return humans;
    }

    private static void onlyKnownFields(JsonNode body, Set<String> known) throws InvalidInput {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidInput("unknown field '" + name + "'; expected only " + known.stream().sorted().toList());
            }
        }
    }

    private static String requiredString(JsonNode body, String field, int maxLength) throws InvalidInput {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidInput("'/" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw new InvalidInput("'/" + field + "' must be a string, not " + value.getNodeType().name()
                    .toLowerCase(java.util.Locale.ROOT));
        }
        if (value.textValue().length() > maxLength) {
            throw new InvalidInput("'/" + field + "' is longer than " + maxLength + " characters");
        }
        return nonBlank(value.textValue(), "/" + field);
    }

    private static String nonBlank(String value, String pointer) throws InvalidInput {
        if (value.isBlank()) {
            throw new InvalidInput("'" + pointer + "' must not be empty");
        }
        return value;
    }
}
