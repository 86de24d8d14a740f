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
    private static final Set<String> SUBMISSION_FIELDS =
            Set.of("action", "resource", "parameters", "justification", "environment", "onBehalfOf", "breakGlass");
    private static final Set<String> BREAK_GLASS_FIELDS = Set.of("reason");
    private static final Set<String> STANDING_FIELDS = Set.of("group", "agent", "onBehalfOf", "action",
            "environment", "resource", "bounds", "validFor", "maxUses", "reason");
    private static final Set<String> BOUND_FIELDS = Set.of("parameter", "op", "value");
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

    /** A submission: an action and, optionally, {@code "breakGlass": {"reason": "..."}}. */
    static ActionSubmission action(JsonNode body) throws InvalidInput {
        onlyKnownFields(body, SUBMISSION_FIELDS);
        JsonNode breakGlass = body.get("breakGlass");
        com.fasterxml.jackson.databind.node.ObjectNode action = ((com.fasterxml.jackson.databind.node.ObjectNode) body)
                .deepCopy();
        action.remove("breakGlass");
        ActionSubmission parsed = action(action, "", true);
        if (breakGlass == null || breakGlass.isNull()) {
            return parsed;
        }
        if (!breakGlass.isObject()) {
            throw new InvalidInput("'/breakGlass' must be an object such as {\"reason\": \"the incident and why it"
                    + " cannot wait\"}");
        }
        onlyKnownFields(breakGlass, BREAK_GLASS_FIELDS);
        JsonNode reason = breakGlass.get("reason");
        if (reason == null || reason.isNull() || !reason.isTextual() || reason.textValue().isBlank()) {
            throw new InvalidInput("'/breakGlass/reason' is required: break-glass needs a reason the reviewers of"
                    + " the post-incident review can read");
        }
        if (reason.textValue().length() > MAX_TEXT) {
            throw new InvalidInput("'/breakGlass/reason' is longer than " + MAX_TEXT + " characters");
        }
        return new ActionSubmission(parsed.action(), parsed.resource(), parsed.parameters(), parsed.environment(),
                parsed.onBehalfOf(), parsed.justification(), reason.textValue());
    }

    /** A standing approval's terms. */
    static io.countersign.api.StandingApprovalSpec standing(JsonNode body) throws InvalidInput {
        onlyKnownFields(body, STANDING_FIELDS);
        String action = requiredString(body, "action", MAX_ACTION);
        if (!ACTION_NAME.matcher(action).matches()) {
            throw new InvalidInput("'/action' must be dot-separated lower-case words such as 'data.export'");
        }
        String environment = requiredString(body, "environment", 32);
        if (!ENVIRONMENTS.contains(environment)) {
            throw new InvalidInput("'/environment' must be one of production, staging, development");
        }
        java.time.Duration validFor;
        try {
            validFor = java.time.Duration.parse(requiredString(body, "validFor", 32));
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidInput("'/validFor' must be an ISO-8601 duration such as PT30M");
        }
        JsonNode maxUses = body.get("maxUses");
        if (maxUses == null || !maxUses.canConvertToExactIntegral() || !maxUses.canConvertToInt()) {
            throw new InvalidInput("'/maxUses' is required: the most requests it may approve, a whole number");
        }
        List<io.countersign.api.ParameterBound> bounds = new ArrayList<>();
        JsonNode boundsJson = body.get("bounds");
        if (boundsJson != null && !boundsJson.isNull()) {
            if (!boundsJson.isArray()) {
                throw new InvalidInput("'/bounds' must be an array of {parameter, op, value}");
            }
            for (int i = 0; i < boundsJson.size(); i++) {
                JsonNode bound = boundsJson.get(i);
                String at = "/bounds/" + i;
                if (!bound.isObject()) {
                    throw new InvalidInput("'" + at + "' must be an object {parameter, op, value}");
                }
                onlyKnownFields(bound, BOUND_FIELDS);
                String op = requiredString(bound, "op", 4);
                io.countersign.api.ParameterBound.Operator operator = io.countersign.api.ParameterBound.Operator
                        .fromSymbol(op);
                if (operator == null) {
                    throw new InvalidInput("'" + at + "/op' must be one of <, <=, >, >=, ==, !=, in");
                }
                JsonNode value = bound.get("value");
                if (value == null) {
                    throw new InvalidInput("'" + at + "/value' is required");
                }
                try {
                    bounds.add(new io.countersign.api.ParameterBound(requiredString(bound, "parameter", 128),
                            operator, value));
                } catch (IllegalArgumentException e) {
                    throw new InvalidInput("'" + at + "': " + e.getMessage());
                }
            }
        }
        return new io.countersign.api.StandingApprovalSpec(requiredString(body, "group", 128),
                requiredString(body, "agent", 128), onBehalfOf(body.get("onBehalfOf")), action, environment,
                optionalString(body, "resource", MAX_RESOURCE), bounds, validFor, maxUses.intValue(),
                requiredString(body, "reason", MAX_TEXT));
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
