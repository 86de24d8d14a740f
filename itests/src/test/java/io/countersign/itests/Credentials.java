package io.countersign.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** The demo credentials Countersign writes on first start. */
final class Credentials {

    private final JsonNode root;

    private Credentials(JsonNode root) {
        this.root = root;
    }

    static Credentials read(Path file) throws IOException {
        return new Credentials(new ObjectMapper().readTree(file.toFile()));
    }

    String agentKey(String id) {
        return find("agents", id).path("key").asText();
    }

    String agentActsFor(String id) {
        return find("agents", id).path("actsFor").get(0).asText();
    }

    String reviewerToken(String id) {
        return find("reviewers", id).path("token").asText();
    }

    private JsonNode find(String kind, String id) {
        for (JsonNode node : root.path(kind)) {
            if (node.path("id").asText().equals(id)) {
                return node;
            }
        }
        throw new AssertionError("no " + kind + " entry " + id + " in the demo credentials");
    }
}
