package io.countersign.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a reviewer asks for when granting a standing approval; see {@link StandingApproval}.
 *
 * @param group the reviewer's group in whose name the approvals are given
 * @param resource the one resource covered, or {@code null} for any
 * @param validFor how long from now it lasts
 */
public record StandingApprovalSpec(String group, String agent, List<String> onBehalfOf, String action,
                                   String environment, String resource, List<ParameterBound> bounds,
                                   Duration validFor, int maxUses, String reason) {
    public StandingApprovalSpec {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(agent, "agent");
        onBehalfOf = List.copyOf(onBehalfOf);
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(environment, "environment");
        bounds = List.copyOf(bounds);
        Objects.requireNonNull(validFor, "validFor");
        Objects.requireNonNull(reason, "reason");
    }
}
