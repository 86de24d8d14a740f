package io.countersign.channel.slack.internal;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Requests and reviewers for tests. */
final class Requests {

    static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:00Z");
    static final Reviewer ALICE = new Reviewer("alice", Set.of("data-owners"), Map.of("slack", "U0ALICE"));
    static final Reviewer BOB = new Reviewer("bob", Set.of("data-owners"), Map.of("slack", "U0BOB"));
    /** The human the agent acts for: may not approve. */
    static final Reviewer CAROL = new Reviewer("carol", Set.of("data-owners"), Map.of("slack", "U0CAROL"));

    private Requests() {
    }

    static RequestView pending(JsonNode parameters) {
        Action action = new Action("export-table", "warehouse/customers", parameters, "prod", "agent-7",
                List.of("carol"));
        ActionRequest request = new ActionRequest(UUID.randomUUID().toString(), action, "quarterly report",
                "sha256:" + "ab".repeat(32), RECEIVED, null);
        Decision decision = new Decision(Outcome.REVIEW, List.of("exports from prod need two data owners"),
                List.of("prod-export"), "policy-1", new ReviewRoute(List.of(new GroupQuorum("data-owners", 2)),
                Duration.ofHours(1), 1));
        return new RequestView(request, new Agent("agent-7", List.of("carol")), decision, RequestStatus.PENDING,
                List.of(), RECEIVED.plus(Duration.ofHours(1)), null, 1, null, null, null);
    }

    /** A pending request whose route needs a passkey step-up to approve. */
    static RequestView pendingStepUp() {
        RequestView view = pending();
        Decision decision = view.decision();
        ReviewRoute route = decision.route();
        ReviewRoute stepUp = new ReviewRoute(route.quorums(), route.timeout(), route.denialsToReject(),
                route.escalations(), route.channels(), true);
        return new RequestView(view.request(), view.agent(), new Decision(decision.outcome(), decision.reasons(),
                decision.rules(), decision.policyVersion(), stepUp, decision.breakGlass()), view.status(), view.votes(), view.deadline(),
                null, view.version(), null, null, null);
    }

    static RequestView pending() {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("table", "customers").put("rows", 1000);
        return pending(parameters);
    }

    static RequestView withVote(RequestView view, Reviewer reviewer, Verdict verdict, RequestStatus status) {
        List<Vote> votes = new ArrayList<>(view.votes());
        votes.add(new Vote(reviewer.id(), verdict, null, reviewer.groups(), RECEIVED.plusSeconds(60),
                new ReviewEvidence("slack", "k", view.request().digest(), JsonNodeFactory.instance.objectNode())));
        return new RequestView(view.request(), view.agent(), view.decision(), status, votes, view.deadline(),
                status.isTerminal() ? RECEIVED.plusSeconds(60) : null, view.version() + 1, null, null, null);
    }
}
