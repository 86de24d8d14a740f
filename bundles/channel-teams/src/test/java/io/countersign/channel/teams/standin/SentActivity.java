package io.countersign.channel.teams.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An activity the bot sent to (or replaced in) the stand-in's Bot Connector, exactly as it arrived.
 *
 * @param conversationId the conversation it was posted in
 * @param activityId     the id the stand-in gave it (for an update, the id of the replaced activity)
 * @param aadObjectId    the Entra object id of the conversation's member
 * @param activity       the activity JSON the bot sent
 */
public record SentActivity(Kind kind, String conversationId, String activityId, String aadObjectId,
                           ObjectNode activity, Instant at) {

    public static final String ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";

    public enum Kind {
        /** {@code POST /v3/conversations/{id}/activities} */
        SENT,
        /** {@code PUT /v3/conversations/{id}/activities/{activityId}} */
        UPDATED
    }

    /** The Adaptive Card of the first attachment, or an empty object when there is none. */
    public ObjectNode card() {
        for (JsonNode attachment : activity.path("attachments")) {
            if (ADAPTIVE_CARD.equals(attachment.path("contentType").asText())
                    && attachment.path("content").isObject()) {
                return (ObjectNode) attachment.path("content");
            }
        }
        return activity.objectNode();
    }

    /** The card's {@code Action.Execute} with this verb (the refresh action included), if it has one. */
    public Optional<ObjectNode> action(String verb) {
        ObjectNode card = card();
        List<JsonNode> candidates = new ArrayList<>();
        card.path("actions").forEach(candidates::add);
        candidates.add(card.path("refresh").path("action"));
        return candidates.stream()
                .filter(a -> "Action.Execute".equals(a.path("type").asText()) && verb.equals(a.path("verb").asText()))
                .map(a -> (ObjectNode) a)
                .findFirst();
    }

    /** Every text the card shows, one element per line, in order. */
    public String text() {
        return CardText.of(card());
    }
}
