package io.countersign.identity.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Agent;
import io.countersign.api.Reviewer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One immutable reading of the directory file, indexed by credential hash. */
final class DirectoryData {

    private final Map<String, Agent> agentsByKeyHash;
    private final Map<String, Reviewer> reviewersByTokenHash;
    private final Map<String, Reviewer> reviewersById;
    private final Map<String, Reviewer> reviewersByContact;

    private DirectoryData(Map<String, Agent> agentsByKeyHash, Map<String, Reviewer> reviewersByTokenHash,
                          Map<String, Reviewer> reviewersById, Map<String, Reviewer> reviewersByContact) {
        this.agentsByKeyHash = Map.copyOf(agentsByKeyHash);
        this.reviewersByTokenHash = Map.copyOf(reviewersByTokenHash);
        this.reviewersById = Map.copyOf(reviewersById);
        this.reviewersByContact = Map.copyOf(reviewersByContact);
    }

    static DirectoryData empty() {
        return new DirectoryData(Map.of(), Map.of(), Map.of(), Map.of());
    }

    /**
     * Reads {@code {"agents":[{"id","keyHash","actsFor"}],"reviewers":[{"id","tokenHash","groups","contacts"}]}},
     * where {@code contacts} maps a channel name to the reviewer's address there (optional).
     *
     * @throws IllegalArgumentException naming the first problem found
     */
    static DirectoryData parse(JsonNode root) {
        Map<String, Agent> agents = new HashMap<>();
        Map<String, Reviewer> reviewersByToken = new HashMap<>();
        Map<String, Reviewer> reviewersById = new HashMap<>();
        Map<String, Reviewer> reviewersByContact = new HashMap<>();
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
            Reviewer value = new Reviewer(id, Set.copyOf(strings(reviewer, "groups")), contacts(reviewer, id));
            if (reviewersById.put(id, value) != null) {
                throw new IllegalArgumentException("reviewer '" + id + "' is listed twice");
            }
            for (Map.Entry<String, String> contact : value.contacts().entrySet()) {
                Reviewer other = reviewersByContact.put(contactKey(contact.getKey(), contact.getValue()), value);
                if (other != null) {
                    throw new IllegalArgumentException("reviewers '" + other.id() + "' and '" + id + "' share the "
                            + contact.getKey() + " contact " + contact.getValue());
                }
            }
            String tokenHash = text(reviewer, "tokenHash", "reviewer " + id);
            if (reviewersByToken.put(tokenHash, value) != null) {
                throw new IllegalArgumentException("two reviewers share the token hash of '" + id + "'");
            }
        }
        return new DirectoryData(agents, reviewersByToken, reviewersById, reviewersByContact);
    }

    /** Email addresses compare without regard to case; other channels' ids are exact. */
    static String contactKey(String channel, String address) {
        return channel + '\u0000' + (channel.equals("email") ? address.toLowerCase(Locale.ROOT) : address);
    }

    Reviewer reviewerByContact(String channel, String address) {
        return reviewersByContact.get(contactKey(channel, address));
    }

    List<Reviewer> reviewersIn(Collection<String> groups) {
        List<Reviewer> members = new ArrayList<>();
        for (Reviewer reviewer : reviewersById.values()) {
            if (reviewer.groups().stream().anyMatch(groups::contains)) {
                members.add(reviewer);
            }
        }
        members.sort(Comparator.comparing(Reviewer::id));
        return members;
    }

    private static Map<String, String> contacts(JsonNode reviewer, String id) {
        JsonNode value = reviewer.path("contacts");
        if (value.isMissingNode()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException("reviewer " + id + ": 'contacts' must be an object of channel name to"
                    + " address");
        }
        Map<String, String> contacts = new LinkedHashMap<>();
        value.fields().forEachRemaining(field -> {
            if (!field.getValue().isTextual() || field.getValue().textValue().isBlank()) {
                throw new IllegalArgumentException("reviewer " + id + ": the " + field.getKey()
                        + " contact must be a non-empty string");
            }
            contacts.put(field.getKey(), field.getValue().textValue());
        });
        return contacts;
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

    static ObjectNode reviewerJson(String id, String tokenOrHash, String tokenField, List<String> groups,
                                   Map<String, String> contacts) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("id", id).put(tokenField, tokenOrHash);
        ArrayNode array = json.putArray("groups");
        groups.forEach(array::add);
        if (!contacts.isEmpty()) {
            ObjectNode contactsJson = json.putObject("contacts");
            contacts.forEach(contactsJson::put);
        }
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
