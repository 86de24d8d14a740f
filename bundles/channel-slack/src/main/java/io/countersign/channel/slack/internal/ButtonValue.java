package io.countersign.channel.slack.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * What an Approve or Deny button carries through Slack and back: only a pointer to the request and the digest the
 * reviewer was shown. Slack echoes it unchanged but it is still the clicker's input: the request's state is always
 * read again on the server, and the core refuses a vote for another digest.
 */
record ButtonValue(String requestId, String digest) {

    /** Slack's limit for a button's value. */
    static final int MAX_CHARS = 2000;

    private static final ObjectMapper JSON = new ObjectMapper();

    String encode() {
        ObjectNode value = JSON.createObjectNode().put("request", requestId).put("digest", digest);
        return value.toString();
    }

    static Optional<ButtonValue> decode(String value) {
        if (value == null || value.length() > MAX_CHARS) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || !node.isObject() || node.size() != 2 || !node.path("request").isTextual()
                    || !node.path("digest").isTextual() || node.path("request").asText().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ButtonValue(node.get("request").asText(), node.get("digest").asText()));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
