package io.countersign.api;

import java.time.Instant;
import java.util.List;

/**
 * A durable snapshot of one request: everything in it has been journaled.
 *
 * @param deadline when a pending request expires, or {@code null} when it never needed review
 * @param version grows by one with every journaled change to this request
 */
public record RequestView(ActionRequest request, Agent agent, Decision decision, RequestStatus status,
                          List<Vote> votes, Instant deadline, Instant decidedAt, long version) {
    public RequestView {
        votes = List.copyOf(votes);
    }

    public String id() {
        return request.id();
    }
}
