package io.countersign.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Idempotency keys derived from what is asked, so that a submission repeated after a crash of the caller (or of the
 * server, or of the connection) finds the request the first one made instead of making a second.
 * <p>
 * The key is {@code cs1-} and the hex SHA-256 of the RFC 8785 canonical JSON of {@code {"action": <the action's
 * JSON>, "justification": ..., "occurrence": ...}}. The server keeps keys per agent, so the agent is implied. What
 * makes two submissions of the same action distinct on purpose is the {@code occurrence}: the pipeline run, the
 * ticket, the change number, anything that is the same when the same step is retried and different when the step is
 * meant to run again. With the same occurrence, asking again returns the first request, even once it was approved,
 * executed and closed; its grant is then already consumed, and the same action needs a new occurrence to be asked
 * for again. The justification is part of the key because a request worded differently is a different question to
 * its reviewers.
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    /** The key for {@code action} asked for with {@code justification} on an occurrence (null or empty: none). */
    public static String derive(Action action, String justification, String occurrence) {
        ObjectNode json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        json.set("action", action.toJson());
        json.put("justification", Objects.requireNonNullElse(justification, ""));
        json.put("occurrence", Objects.requireNonNullElse(occurrence, ""));
        return "cs1-" + Canonical.sha256Hex(Canonical.bytes(json));
    }
}
