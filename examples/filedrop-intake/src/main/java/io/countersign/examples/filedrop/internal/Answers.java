package io.countersign.examples.filedrop.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Grant;
import io.countersign.api.RequestView;
import io.countersign.api.Vote;
import io.countersign.api.json.StrictJson;
import java.nio.charset.StandardCharsets;

/** What the connector writes back: a request as it stands, the outcome of a review, or an RFC 9457 problem. */
final class Answers {

    private Answers() {
    }

    /**
     * The request as the REST API shows it to the agent that asked; {@code grantToken} is the grant's compact JWS, or
     * {@code null} while there is no grant.
     */
    static ObjectNode request(RequestView view, boolean replayed, String grantToken) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", view.id());
        json.put("status", view.status().wireName());
        json.put("version", view.version());
        json.put("digest", view.request().digest());
        json.put("replayed", replayed);
        ObjectNode decision = json.putObject("decision");
        decision.put("outcome", view.decision().outcome().name().toLowerCase(java.util.Locale.ROOT));
        decision.put("policyVersion", view.decision().policyVersion());
        view.decision().reasons().forEach(decision.putArray("reasons")::add);
        if (view.deadline() != null) {
            json.put("deadline", view.deadline().toString());
        }
        ArrayNode votes = json.putArray("votes");
        for (Vote vote : view.votes()) {
            votes.addObject().put("reviewer", vote.reviewer()).put("verdict", vote.verdict().wireName())
                    .put("channel", vote.channel()).put("at", vote.at().toString());
        }
        Grant grant = view.grant();
        if (grant != null && grantToken != null) {
            ObjectNode granted = json.putObject("grant");
            granted.put("id", grant.id());
            granted.put("expiresAt", grant.expiresAt().toString());
            grant.approvers().forEach(granted.putArray("approvers")::add);
            granted.put("token", grantToken);
        }
        return json;
    }

    /** A review the core counted, and where its request stands now. */
    static ObjectNode counted(RequestView view) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("request", view.id());
        json.put("counted", true);
        json.put("requestStatus", view.status().wireName());
        return json;
    }

    /** The REST API's error shape, with its stable {@code reason}s. */
    static ObjectNode problem(int status, String reason, String title, String detail) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", "urn:countersign:problem:" + reason);
        json.put("title", title);
        json.put("status", status);
        json.put("detail", detail);
        json.put("reason", reason);
        return json;
    }

    static byte[] bytes(ObjectNode json) {
        try {
            return StrictJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json)
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
