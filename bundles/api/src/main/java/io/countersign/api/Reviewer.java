package io.countersign.api;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A human who may review requests, with the groups they belong to now.
 *
 * @param contacts where the reviewer is reached, by channel name: a Slack user id, a Teams (Entra) object id, an
 *                 email address; a channel maps a click back to a reviewer only through these
 */
public record Reviewer(String id, Set<String> groups, Map<String, String> contacts) {
    public Reviewer {
        Objects.requireNonNull(id, "id");
        groups = Set.copyOf(groups);
        contacts = Map.copyOf(contacts);
    }

    public Reviewer(String id, Set<String> groups) {
        this(id, groups, Map.of());
    }

    /** This reviewer's address on a channel, or {@code null} when they cannot be reached there. */
    public String contact(String channel) {
        return contacts.get(channel);
    }
}
