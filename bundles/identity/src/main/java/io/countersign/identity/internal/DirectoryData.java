package io.countersign.identity.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Agent;
import io.countersign.api.Reviewer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One immutable reading of the directory file, indexed by credential hash. */
final class DirectoryData {

    private final Map<String, Agent> agentsByKeyHash;
    private final Map<String, Reviewer> reviewersByTokenHash;
    private final Map<String, Reviewer> reviewersById;

    private DirectoryData(Map<String, Agent> agentsByKeyHash, Map<String, Reviewer> reviewersByTokenHash,
                          Map<String, Reviewer> reviewersById) {
        this.agentsByKeyHash = Map.copyOf(agentsByKeyHash);
        this.reviewersByTokenHash = Map.copyOf(reviewersByTokenHash);
        this.reviewersById = Map.copyOf(reviewersById);
    }

    static DirectoryData empty() {
        return new DirectoryData(Map.of(), Map.of(), Map.of());
    }

    /**
     * Reads {@code {"agents":[{"id","keyHash","actsFor"}],"reviewers":[{"id","tokenHash","groups"}]}}.
     *
     * @throws IllegalArgumentException naming the first problem found
     */
    static DirectoryData parse(JsonNode root) {
        Map<String, Agent> agents = new HashMap<>();
        Map<String, Reviewer> reviewersByToken = new HashMap<>();
        Map<String, Reviewer> reviewersById = new HashMap<>();
        Set<String> agentIds = new LinkedHashSet<>();
        for (JsonNode agent : array(root, "agents")) {
            String id = text(agent, "id", "agent");
            if (!agentIds.add(id)) {
                throw new IllegalArgumentException("agent '" + id + "' is listed twice");
            }
            String keyHash = text(agent, "keyHash", "agent " + id);
            List<String> actsFor = strings(agent, "actsFor");
            if (agents.put(keyHash, new Agent(id, actsFor)) != null) {
                throw new IllegalArgumentException("two agents share the key hash of '" + id + "'");
            }
        }
        for (JsonNode reviewer : array(root, "reviewers")) {
            String id = text(reviewer, "id", "reviewer");
            Reviewer value = new Reviewer(id, Set.copyOf(strings(reviewer, "groups")));
            if (reviewersById.put(id, value) != null) {
                throw new IllegalArgumentException("reviewer '" + id + "' is listed twice");
            }
            String tokenHash = text(reviewer, "tokenHash", "reviewer " + id);
            if (reviewersByToken.put(tokenHash, value) != null) {
                throw new IllegalArgumentException("two reviewers share the token hash of '" + id + "'");
            }
        }
        return new DirectoryData(agents, reviewersByToken, reviewersById);
    }

    Agent agentByKeyHash(String hash) {
        return agentsByKeyHash.get(hash);
    }

    Reviewer reviewerByTokenHash(String hash) {
        return reviewersByTokenHash.get(hash);
    }

    Reviewer reviewer(String id) {
        return reviewersById.get(id);
    }

    int agentCount() {
        return agentsByKeyHash.size();
    }

    int reviewerCount() {
        return reviewersById.size();
    }

    static ObjectNode agentJson(String id, String keyOrHash, String keyField, List<String> actsFor) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("id", id).put(keyField, keyOrHash);
        ArrayNode acts = json.putArray("actsFor");
        actsFor.forEach(acts::add);
        return json;
    }

    static ObjectNode reviewerJson(String id, String tokenOrHash, String tokenField, List<String> groups) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("id", id).put(tokenField, tokenOrHash);
        ArrayNode array = json.putArray("groups");
        groups.forEach(array::add);
        return json;
    }

    private static Iterable<JsonNode> array(JsonNode root, String field) {
        JsonNode node = root.path(field);
        if (!node.isArray()) {
            throw new IllegalArgumentException("'" + field + "' must be an array");
        }
        return node;
    }

    private static String text(JsonNode node, String field, String what) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new IllegalArgumentException(what + " needs a non-empty string '" + field + "'");
        }
        return value.textValue();
    }

    private static List<String> strings(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("'" + field + "' must be an array of strings");
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw new IllegalArgumentException("'" + field + "' must be an array of strings");
            }
            out.add(element.textValue());
        }
        return out;
    }
}
