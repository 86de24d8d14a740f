package io.countersign.channel.slack.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of an interactivity callback that Countersign uses (https://docs.slack.dev/reference/interaction-payloads/
 * block_actions-payload). Slack sends {@code application/x-www-form-urlencoded} with one {@code payload} field
 * holding JSON. Fields are {@code null} when absent; only the first action is read, as a button click has one.
 */
record Interaction(String type, String teamId, String userId, String apiAppId, String channelId, String messageTs,
                   String actionId, String blockId, String value, String actionTs, String responseUrl) {

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Why a body is not an interactivity callback. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    static Interaction parse(byte[] body) throws Malformed {
        for (byte b : body) {
            if (b < 0x20) {
                throw new Malformed("the form has bytes that URL encoding never produces");
            }
        }
        String payload = null;
        String form = new String(body, StandardCharsets.US_ASCII);
        for (String pair : form.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            if (!name.equals("payload")) {
                continue;
            }
            if (payload != null) {
                throw new Malformed("the form has more than one payload field");
            }
            payload = decode(equals < 0 ? "" : pair.substring(equals + 1));
        }
        if (payload == null) {
            throw new Malformed("the form has no payload field");
        }
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new Malformed("the payload is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Malformed("the payload is not a JSON object");
        }
        JsonNode action = root.path("actions").path(0);
        return new Interaction(text(root.path("type")), text(root.path("team").path("id")),
                text(root.path("user").path("id")), text(root.path("api_app_id")),
                text(root.path("container").path("channel_id")), text(root.path("container").path("message_ts")),
                text(action.path("action_id")), text(action.path("block_id")), text(action.path("value")),
                text(action.path("action_ts")), text(root.path("response_url")));
    }

    /** The fields a button click must have, named as in the payload, that are missing here. */
    List<String> missing() {
        List<String> missing = new ArrayList<>();
        require(missing, teamId, "team.id");
        require(missing, userId, "user.id");
        require(missing, apiAppId, "api_app_id");
        require(missing, messageTs, "container.message_ts");
        require(missing, actionId, "actions[0].action_id");
        require(missing, value, "actions[0].value");
        require(missing, actionTs, "actions[0].action_ts");
        return missing;
    }

    /** Identifies this click: Slack gives each click its own action_ts, on one message, by one user. */
    String replayKey() {
        return "slack:" + teamId + ":" + userId + ":" + messageTs + ":" + actionTs;
    }

    /** What the payload claims, for the record of a refusal; unverified unless the signature was. */
    void describe(ObjectNode into) {
        put(into, "type", type);
        put(into, "teamId", teamId);
        put(into, "userId", userId);
        put(into, "apiAppId", apiAppId);
        put(into, "channelId", channelId);
        put(into, "messageTs", messageTs);
        put(into, "actionId", actionId);
        put(into, "actionTs", actionTs);
    }

    static ObjectNode describe(Interaction interaction) {
        ObjectNode claims = JsonNodeFactory.instance.objectNode();
        if (interaction != null) {
            interaction.describe(claims);
        }
        return claims;
    }

    private static void put(ObjectNode into, String name, String value) {
        if (value != null) {
            into.put(name, value);
        }
    }

    private static void require(List<String> missing, String value, String name) {
        if (value == null || value.isEmpty()) {
            missing.add(name);
        }
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    private static String decode(String text) throws Malformed {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Malformed("the form is not URL-encoded: " + e.getMessage());
        }
    }
}
