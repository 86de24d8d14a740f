package io.countersign.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * The exact action an approval is bound to: everything here goes into the action digest.
 *
 * @param requester the agent that asks
 * @param onBehalfOf the humans the agent acts for on this request, outermost first
 */
public record Action(String action, String resource, JsonNode parameters, String environment, String requester,
                     List<String> onBehalfOf) {
    public Action {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(requester, "requester");
        parameters = parameters == null ? JsonNodeFactory.instance.objectNode() : parameters.deepCopy();
        if (!parameters.isObject()) {
            throw new IllegalArgumentException("parameters must be a JSON object");
        }
        onBehalfOf = List.copyOf(onBehalfOf);
    }

    /** The JSON object whose RFC 8785 canonical form is digested. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("action", action);
        json.put("resource", resource);
        json.set("parameters", parameters.deepCopy());
        json.put("environment", environment);
        json.put("requester", requester);
        json.set("onBehalfOf", JsonNodeFactory.instance.arrayNode().addAll(
                onBehalfOf.stream().map(JsonNodeFactory.instance::textNode).toList()));
        return json;
    }

    @Override
    public JsonNode parameters() {
        return parameters.deepCopy();
    }
}
