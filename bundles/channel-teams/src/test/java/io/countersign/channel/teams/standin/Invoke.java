package io.countersign.channel.teams.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An invoke activity the stand-in posted to the bot, and the bot's answer.
 *
 * @param status     the HTTP status the bot answered
 * @param body       the body it answered, as text
 * @param activityId the id of the invoke activity
 * @param activity   the activity as posted
 * @param token      the JWT it carried, or {@code null} when it was sent without one
 */
public record Invoke(int status, String body, String activityId, ObjectNode activity, String token) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer as JSON (an empty object for an empty body). */
    public JsonNode json() {
        try {
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("the bot answered with a body that is not JSON: " + body, e);
        }
    }

    /** The card of a Universal Actions answer ({@code value} when {@code type} is the Adaptive Card type). */
    public JsonNode card() {
        JsonNode answer = json();
        if (!SentActivity.ADAPTIVE_CARD.equals(answer.path("type").asText())) {
            throw new IllegalStateException("the answer carries no card: " + body);
        }
        return answer.path("value");
    }

    /** Every text the answered card shows, one element per line. */
    public String cardText() {
        return CardText.of(card());
    }
}
