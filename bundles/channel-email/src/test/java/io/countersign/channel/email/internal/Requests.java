package io.countersign.channel.email.internal;

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
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Requests, reviewers and notifications for the tests. */
final class Requests {

    static final String SCRIPT = "<script>alert('x')</script>";
    static final String ATTRIBUTE_BREAKOUT = "\"><img src=x onerror=alert(1)>";

    static final Reviewer ALICE = new Reviewer("alice", Set.of("data-owners"),
            Map.of("email", "alice@example.org"));
    static final Reviewer BOB = new Reviewer("bob", Set.of("data-owners"), Map.of("email", "bob@example.org"));

    private Requests() {
    }

    /** A pending request needing two approvals from data-owners, with hostile text in its parameters. */
    static RequestView pending(Instant receivedAt, Duration timeout) {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        parameters.put("table", "customers");
        parameters.put("note", SCRIPT);
        parameters.put("label", ATTRIBUTE_BREAKOUT);
        Action action = new Action("db.drop_table", "postgres://prod/crm", parameters, "production", "agent-7",
                List.of("carol"));
        ActionRequest request = new ActionRequest(UUID.randomUUID().toString(), action,
                "cleanup " + ATTRIBUTE_BREAKOUT, "sha256:" + "ab".repeat(32), receivedAt, null);
        ReviewRoute route = new ReviewRoute(List.of(new GroupQuorum("data-owners", 2)), timeout, 1);
        Decision decision = new Decision(Outcome.REVIEW, List.of("production <b>data</b> change"),
                List.of("prod-data"), "policy-1", route);
        return new RequestView(request, new Agent("agent-7", List.of("carol")), decision, RequestStatus.PENDING,
                List.of(), receivedAt.plus(timeout), null, 1, null, null, null);
    }

    static RequestView withVote(RequestView view, Vote vote, RequestStatus status, Instant at) {
        List<Vote> votes = new ArrayList<>(view.votes());
        votes.add(vote);
        return new RequestView(view.request(), view.agent(), view.decision(), status, votes, view.deadline(),
                status.isTerminal() ? at : null, view.version() + 1, null, null, null);
    }

    static RequestView decided(RequestView view, RequestStatus status, Instant at) {
        return new RequestView(view.request(), view.agent(), view.decision(), status, view.votes(), view.deadline(),
                at, view.version() + 1, null, null, null);
    }

    static Notification review(Reviewer reviewer, RequestView view) {
        return notification(NotificationKind.REVIEW, reviewer, view, null);
    }

    static Notification notification(NotificationKind kind, Reviewer reviewer, RequestView view, Delivery previous) {
        return new Notification(UUID.randomUUID().toString(), kind, "email", reviewer.contact("email"), reviewer,
                view, previous);
    }
}
