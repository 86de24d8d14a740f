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
 */
public record RequestView(ActionRequest request, Agent agent, Decision decision, RequestStatus status,
                          List<Vote> votes, Instant deadline, Instant decidedAt, long version, Grant grant,
                          Instant grantConsumedAt, ExecutionReport execution) {
    public RequestView {
        votes = List.copyOf(votes);
    }

    public String id() {
        return request.id();
    }
}
