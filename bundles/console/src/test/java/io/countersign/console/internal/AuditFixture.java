package io.countersign.console.internal;

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
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import io.countersign.api.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Requests as the core journals them ({@code request.received} with the action and agent, then other entries) and
 * their views as the core answers {@code find}, one minute apart from
 * {@link #START} or the start given.
 */
final class AuditFixture {

    static final Instant START = Instant.parse("2026-11-02T09:00:00Z");

    final MutableClock clock;
    final MemoryJournal journal;
    final ConsoleApprovals approvals = new ConsoleApprovals();
    private int count;

    AuditFixture() {
        this(START);
    }

    AuditFixture(Instant start) {
        clock = new MutableClock(start);
        journal = new MemoryJournal(clock);
    }

    /** A request received now, its view {@code status} with a vote by {@code reviewer} (if not null). */
    RequestView request(String agent, String human, String action, String environment, RequestStatus status,
                        String reviewer) {
        clock.advance(Duration.ofMinutes(1));
        Action asked = new Action(action, "warehouse.t" + count, JsonNodeFactory.instance.objectNode(), environment,
                agent, List.of(human));
        ActionRequest request = new ActionRequest("req-" + count++, asked, "because", "sha256:" + "cd".repeat(32),
                clock.instant(), null);
        ObjectNode received = JsonNodeFactory.instance.objectNode();
        received.put("request", request.id());
        received.set("action", asked.toJson());
        received.put("digest", request.digest());
        received.put("justification", request.justification());
        received.put("receivedAt", request.receivedAt().toString());
        received.putObject("agent").put("id", agent).putArray("actsFor").add(human);
        long receivedSeq = journal.append(RequestSearch.RECEIVED, received).join().seq();
        long decidedSeq = journal.append("policy.decided", JsonNodeFactory.instance.objectNode()
                .put("request", request.id())).join().seq();
        approvals.seqs.put(request.id(), List.of(receivedSeq, decidedSeq));
        List<Vote> votes = reviewer == null ? List.of() : List.of(new Vote(reviewer, status == RequestStatus.DENIED
                ? Verdict.DENY : Verdict.APPROVE, null, Set.of("data-owners"), clock.instant()));
        ReviewRoute route = new ReviewRoute(List.of(new GroupQuorum("data-owners", 1)), Duration.ofHours(1), 1);
        RequestView view = new RequestView(request, new Agent(agent, List.of(human)),
                new Decision(Outcome.REVIEW, List.of("a data owner reviews exports"), List.of("export"), "policy-1",
                        route), status, votes, clock.instant().plus(Duration.ofHours(1)), null, 1, null, null, null);
        return approvals.add(view);
    }

    /** Entries of other kinds between requests, as a busy journal has. */
    void noise(int entries) {
        for (int i = 0; i < entries; i++) {
            journal.append("notification.sent", JsonNodeFactory.instance.objectNode().put("n", i));
        }
    }
}
