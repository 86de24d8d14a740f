package io.countersign.intake.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionSubmission;
import io.countersign.api.json.Jcs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one tool's calls become actions. Values are either fixed text or {@code arg:<name>}, the call's argument of
 * that name.
 *
 * @param parameters the arguments copied into the action's parameters, or {@code null} for all of them; the
 *                   parameters always carry {@code argumentsSha256} too, the digest of every argument, so an approval
 *                   binds the whole call even when only some arguments are shown
 */
record ToolMapping(String tool, String action, String resource, String environment, List<String> parameters,
                   String justification) {

    static final String ARGUMENT = "arg:";
    static final String ARGUMENTS_DIGEST = "argumentsSha256";

    private static final ObjectMapper JSON = new ObjectMapper();

    ToolMapping {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(environment, "environment");
        parameters = parameters == null ? null : List.copyOf(parameters);
        Objects.requireNonNull(justification, "justification");
    }

    /** A call that cannot become the action it is mapped to (an argument the mapping needs is missing). */
    static final class UnmappableCall extends Exception {
        private static final long serialVersionUID = 1L;

        UnmappableCall(String message) {
            super(message);
        }
    }

    /** The action a call with these arguments asks for, on behalf of these humans. */
    ActionSubmission submission(Map<String, Object> arguments, List<String> onBehalfOf) throws UnmappableCall {
        Map<String, Object> args = arguments == null ? Map.of() : arguments;
        ObjectNode all = JSON.valueToTree(args);
        ObjectNode params = JSON.createObjectNode();
        if (parameters == null) {
            params.setAll(all);
        } else {
            for (String name : parameters) {
                if (all.has(name)) {
                    params.set(name, all.get(name));
                }
            }
        }
        params.put(ARGUMENTS_DIGEST, sha256(Jcs.canonicalize(all)));
        return new ActionSubmission(action, value("resource", resource, all), params,
                value("environment", environment, all), onBehalfOf, value("justification", justification, all));
    }

    private String value(String field, String template, ObjectNode arguments) throws UnmappableCall {
        if (!template.startsWith(ARGUMENT)) {
            return template;
        }
        String name = template.substring(ARGUMENT.length());
        JsonNode value = arguments.get(name);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            throw new UnmappableCall("tool " + tool + " needs the argument '" + name + "' (the action's " + field
                    + ")");
        }
        return value.isTextual() ? value.asText() : Jcs.canonicalString(value);
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
