package io.countersign.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A reviewer's approval of a class of actions for a limited window: one agent acting for exactly these humans, one
 * action in one environment (on one resource, when named), parameters within the bounds, at most {@code maxUses}
 * times. A request it covers is approved in the reviewer's name, and each use is journaled and counted. It covers
 * only requests whose review route this one reviewer can satisfy alone.
 *
 * @param resource the one resource covered, or {@code null} for any
 * @param uses how many requests it has approved so far
 * @param revokedAt when it was revoked, or {@code null}
 */
public record StandingApproval(String id, String approver, String group, String agent, List<String> onBehalfOf,
                               String action, String environment, String resource, List<ParameterBound> bounds,
                               Instant validFrom, Instant validUntil, int maxUses, String reason, int uses,
                               Instant revokedAt, String revokedBy) {
    public StandingApproval {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(agent, "agent");
        onBehalfOf = List.copyOf(onBehalfOf);
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(environment, "environment");
        bounds = List.copyOf(bounds);
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        Objects.requireNonNull(reason, "reason");
    }

    /** Whether it may still approve a request received at {@code at}. */
    public boolean isActive(Instant at) {
        return revokedAt == null && uses < maxUses && !at.isBefore(validFrom) && at.isBefore(validUntil);
    }

    /** Whether the action falls in the class this approval covers (window, uses and reviewer aside). */
    public boolean covers(Action candidate) {
        if (!candidate.requester().equals(agent) || !candidate.onBehalfOf().equals(onBehalfOf)
                || !candidate.action().equals(action) || !candidate.environment().equals(environment)
                || (resource != null && !candidate.resource().equals(resource))) {
            return false;
        }
        JsonNode parameters = candidate.parameters();
        return bounds.stream().allMatch(bound -> bound.admits(parameters));
    }

    public StandingApproval used() {
        return new StandingApproval(id, approver, group, agent, onBehalfOf, action, environment, resource, bounds,
                validFrom, validUntil, maxUses, reason, uses + 1, revokedAt, revokedBy);
    }

    public StandingApproval revoked(Instant at, String by) {
        return new StandingApproval(id, approver, group, agent, onBehalfOf, action, environment, resource, bounds,
                validFrom, validUntil, maxUses, reason, uses, at, by);
    }
}
