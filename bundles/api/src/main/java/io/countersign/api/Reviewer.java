package io.countersign.api;

import java.util.Objects;
import java.util.Set;

/** A human who may review requests, with the groups they belong to now. */
public record Reviewer(String id, Set<String> groups) {
    public Reviewer {
        Objects.requireNonNull(id, "id");
        groups = Set.copyOf(groups);
    }
}
