package io.countersign.api;

import java.time.Instant;
import java.util.List;

/**
 * A durable snapshot of one request: everything in it has been journaled.
 *
 * @param deadline when a pending request expires, or {@code null} when it never needed review
 * @param version grows by one with every journaled change to this request
 * @param grant the grant issued when the request was allowed or approved, or {@code null}
 * @param grantConsumedAt when an enforcement point consumed the grant, or {@code null}
 * @param execution what the enforcement point reported after running the action, or {@code null}
 * @param escalationLevel how many steps of the route's escalation ladder have happened
 * @param breakGlass how the request got through by break-glass, or {@code null}
 */
public record RequestView(ActionRequest request, Agent agent, Decision decision, RequestStatus status,
                          List<Vote> votes, Instant deadline, Instant decidedAt, long version, Grant grant,
                          Instant grantConsumedAt, ExecutionReport execution, int escalationLevel,
                          BreakGlass breakGlass) {
    public RequestView {
        votes = List.copyOf(votes);
    }

    public RequestView(ActionRequest request, Agent agent, Decision decision, RequestStatus status,
                       List<Vote> votes, Instant deadline, Instant decidedAt, long version, Grant grant,
                       Instant grantConsumedAt, ExecutionReport execution) {
        this(request, agent, decision, status, votes, deadline, decidedAt, version, grant, grantConsumedAt,
                execution, 0, null);
    }

    /** The groups whose members may review now: the route's, and those of the escalation steps that happened. */
    public List<String> eligibleGroups() {
        return decision.route() == null ? List.of() : decision.route().groupsAt(escalationLevel);
    }

    public String id() {
        return request.id();
    }
}
