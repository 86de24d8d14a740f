package io.countersign.channel.teams.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.Vote;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request views for tests: a pending data export that needs two approvals from data-owners; and data owners who
 * review it in Teams.
 */
final class Requests {

    static final Instant RECEIVED = Instant.parse("2026-11-22T09:00:00Z");

    private Requests() {
    }

    static RequestView pending(String id) {
        return view(id, JsonNodeFactory.instance.objectNode().put("rows", 50_000).put("format", "csv"),
                "quarterly report", RequestStatus.PENDING, List.of());
    }

    static RequestView view(String id, ObjectNode parameters, String justification, RequestStatus status,
                            List<Vote> votes) {
        return view(id, "export", "warehouse.customers", parameters, justification, status, votes);
    }

    static RequestView view(String id, String action, String resource, ObjectNode parameters, String justification,
                            RequestStatus status, List<Vote> votes) {
        Action act = new Action(action, resource, parameters, "production", "etl-agent", List.of("alice"));
        ActionRequest request = new ActionRequest(id, act, justification, "sha256:" + "ab".repeat(32), RECEIVED,
                null);
        Decision decision = new Decision(Outcome.REVIEW, List.of("exports of customer data need review"),
                List.of("export-review"), "sha256:policy",
                new ReviewRoute(List.of(new GroupQuorum("data-owners", 2)), Duration.ofHours(4), 1));
        return new RequestView(request, new Agent("etl-agent", List.of("alice")), decision, status, votes,
                RECEIVED.plus(Duration.ofHours(4)), status.isTerminal() ? RECEIVED.plusSeconds(600) : null, 1, null,
                null, null);
    }

    /** A data owner reached in Teams at this Entra object id (and by email at {@code id@example.com}). */
    static Reviewer reviewer(String id, String aadObjectId) {
        return new Reviewer(id, Set.of("data-owners"), Map.of("teams", aadObjectId, "email", id + "@example.com"));
    }
}
