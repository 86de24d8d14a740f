package io.countersign.channel.slack.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A message the stand-in accepted through {@code chat.postMessage} or {@code chat.update}, as it was sent.
 *
 * @param method           {@code chat.postMessage} or {@code chat.update}
 * @param requestedChannel the {@code channel} argument as sent (a user id for a direct message)
 * @param channel          the channel the message is in, as Slack answers it ({@code D…} for a direct message)
 * @param ts               the message's timestamp, its id within the channel
 * @param text             the {@code text} argument (the notification fallback), as sent
 * @param blocks           the {@code blocks} argument parsed, or an empty array
 * @param receivedNanos    {@link System#nanoTime()} when the call arrived
 */
public record PostedMessage(String method, String requestedChannel, String channel, String ts, String text,
                            JsonNode blocks, long receivedNanos) {

    public PostedMessage {
        blocks = blocks == null ? JsonNodeFactory.instance.arrayNode() : blocks.deepCopy();
    }

    @Override
    public JsonNode blocks() {
        return blocks.deepCopy();
    }

    /** Every button in the message's actions blocks, in order. */
    public List<JsonNode> buttons() {
        List<JsonNode> buttons = new ArrayList<>();
        for (JsonNode block : blocks) {
            if (block.path("type").asText().equals("actions")) {
                for (JsonNode element : block.path("elements")) {
                    if (element.path("type").asText().equals("button")) {
                        buttons.add(element.deepCopy());
                    }
                }
            }
        }
        return buttons;
    }

    /** The button with this {@code action_id}, if the message has one. */
    public Optional<JsonNode> button(String actionId) {
        return buttons().stream().filter(b -> b.path("action_id").asText().equals(actionId)).findFirst();
    }

    public boolean hasButtons() {
        return !buttons().isEmpty();
    }

    /** Every {@code text} string in the blocks (mrkdwn and plain_text, as sent), one per line. */
    public String blocksText() {
        StringBuilder out = new StringBuilder();
        collect(blocks, out);
        return out.toString();
    }

    private static void collect(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            JsonNode text = node.get("text");
            if (text != null && text.isTextual()) {
                out.append(text.asText()).append('\n');
            }
            node.fields().forEachRemaining(field -> {
                if (!field.getKey().equals("text") || !field.getValue().isTextual()) {
                    collect(field.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, out));
        }
    }
}
