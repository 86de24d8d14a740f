package io.countersign.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an agent asks to do and an enforcement point is about to run: the part of a request an approval is bound to.
 * Its digest on the server also names the requester, the agent the key belongs to.
 *
 * @param action      dot-separated lower-case words, such as {@code deploy.apply}
 * @param resource    what it acts on, such as {@code prod/payments}
 * @param environment {@code production}, {@code staging} or {@code development}
 * @param parameters  a JSON object; numbers, strings, booleans, arrays and objects as the action needs them
 * @param onBehalfOf  the humans the agent acts for, in order; may be empty
 */
public record Action(String action, String resource, String environment, ObjectNode parameters,
                     List<String> onBehalfOf) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Action {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(environment, "environment");
        parameters = parameters == null ? JsonNodeFactory.instance.objectNode() : parameters.deepCopy();
        onBehalfOf = List.copyOf(onBehalfOf == null ? List.of() : onBehalfOf);
    }

    /** An action whose parameters are plain Java values (maps, lists, strings, numbers, booleans). */
    public static Action of(String action, String resource, String environment, Map<String, ?> parameters,
                            String... onBehalfOf) {
        return new Action(action, resource, environment, MAPPER.valueToTree(parameters == null ? Map.of() : parameters),
                List.of(onBehalfOf));
    }

    @Override
    public ObjectNode parameters() {
        return parameters.deepCopy();
    }

    /** The action as the API takes it: {@code action, resource, parameters, environment, onBehalfOf}. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("action", action);
        json.put("resource", resource);
        json.set("parameters", parameters.deepCopy());
        json.put("environment", environment);
        ArrayNode humans = json.putArray("onBehalfOf");
        onBehalfOf.forEach(humans::add);
        return json;
    }

    /**
     * The digest the server binds an approval to when {@code requester} (an agent id) submits this action:
     * {@code sha256:} and the hex SHA-256 of the RFC 8785 canonical JSON of {@code {action, resource, parameters,
     * environment, requester, onBehalfOf}}.
     */
    public String digest(String requester) {
        ObjectNode json = toJson();
        json.put("requester", Objects.requireNonNull(requester, "requester"));
        return "sha256:" + Canonical.sha256Hex(Canonical.bytes(json));
    }
}
