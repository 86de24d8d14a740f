package io.countersign.api;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a review's escalation ladder: if the request is still open {@code after} its receipt, reviewers in
 * {@code group} are asked too, and each of their approvals may fill any seat of the route that is still empty.
 */
public record Escalation(Duration after, String group) {
    public Escalation {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(group, "group");
        if (after.isNegative() || after.isZero()) {
            throw new IllegalArgumentException("an escalation step must come after a positive time, got " + after);
        }
        if (group.isBlank()) {
            throw new IllegalArgumentException("an escalation step names a group");
        }
    }
}
