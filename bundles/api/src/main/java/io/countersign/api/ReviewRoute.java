package io.countersign.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Who must review a request and how long they have.
 *
 * @param quorums approvals needed per eligible group; a reviewer counts for one group at most
 * @param timeout how long after receipt the request stays open; at the deadline it expires (a denial)
 * @param denialsToReject how many denials from eligible reviewers deny the request
 */
public record ReviewRoute(List<GroupQuorum> quorums, Duration timeout, int denialsToReject) {
    public ReviewRoute {
        quorums = List.copyOf(quorums);
        Objects.requireNonNull(timeout, "timeout");
        if (quorums.isEmpty()) {
            throw new IllegalArgumentException("a review route names at least one group");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a review timeout must be positive");
        }
        if (denialsToReject < 1) {
            throw new IllegalArgumentException("denialsToReject must be at least 1");
        }
    }

    public boolean isEligibleGroup(String group) {
        return quorums.stream().anyMatch(q -> q.group().equals(group));
    }
}
