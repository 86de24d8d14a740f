package io.countersign.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What a channel verified before it let a click count as a vote, journaled with the vote.
 *
 * @param channel  the channel's name: {@code api}, {@code slack}, {@code teams}, {@code email}
 * @param replayKey identifies this click uniquely on its channel (Slack's action tuple, the Teams activity id, the
 *                 email token's hash); a second vote carrying a key already counted is refused as a replay, or
 *                 {@code null} where the channel has none
 * @param digest   the action digest the reviewer was shown, or {@code null}; a vote for any other digest is refused
 * @param artifact the verified artifact an auditor can re-check: a signed JWT and the key that verified it, Slack's
 *                 signed body and signature; never a secret
 */
public record ReviewEvidence(String channel, String replayKey, String digest, ObjectNode artifact) {
    public ReviewEvidence {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(artifact, "artifact");
    }

    /** A vote through the HTTP API, authenticated by the reviewer's token. */
    public static ReviewEvidence api() {
        return new ReviewEvidence("api", null, null, JsonNodeFactory.instance.objectNode());
    }
}
