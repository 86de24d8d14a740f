package io.countersign.api;

import java.util.Objects;

/** How many distinct approvals one reviewer group must give. */
public record GroupQuorum(String group, int approvals) {
    public GroupQuorum {
        Objects.requireNonNull(group, "group");
        if (approvals < 1) {
            throw new IllegalArgumentException("a quorum needs at least one approval, got " + approvals);
        }
    }
}
