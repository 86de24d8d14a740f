package io.countersign.channel.teams.internal;

import io.countersign.api.ChannelEvent;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import io.countersign.api.testing.ApprovalServiceStub;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records reviews and channel events. A review of a known request counts (and refuses a second vote by the same
 * reviewer, or a replay key already counted, like the core); an unknown request gives an empty result.
 */
final class FakeApprovals extends ApprovalServiceStub {

    record ReviewCall(Reviewer reviewer, String requestId, Verdict verdict, String comment,
                      ReviewEvidence evidence) {
    }

    final List<ReviewCall> reviews = new CopyOnWriteArrayList<>();
    final List<ChannelEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, RequestView> views = new ConcurrentHashMap<>();
    private final Set<String> replayKeys = ConcurrentHashMap.newKeySet();

    void add(RequestView view) {
        views.put(view.id(), view);
    }

    ChannelEvent onlyEvent() {
        if (events.size() != 1) {
            throw new AssertionError("expected one channel event, got " + events);
        }
        return events.get(0);
    }

    @Override
    public synchronized CompletionStage<Optional<ReviewResult>> review(Reviewer reviewer, String requestId,
                                                                       Verdict verdict, String comment,
                                                                       ReviewEvidence evidence) {
        reviews.add(new ReviewCall(reviewer, requestId, verdict, comment, evidence));
        RequestView view = views.get(requestId);
        if (view == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (evidence.replayKey() != null && !replayKeys.add(evidence.replayKey())) {
            return refused(view, RefusalReason.REPLAYED);
        }
        if (view.votes().stream().anyMatch(v -> v.reviewer().equals(reviewer.id()))) {
            return refused(view, RefusalReason.ALREADY_VOTED);
        }
        if (!view.request().digest().equals(evidence.digest())) {
            return refused(view, RefusalReason.DIGEST_MISMATCH);
        }
        List<Vote> votes = new ArrayList<>(view.votes());
        votes.add(new Vote(reviewer.id(), verdict, comment, reviewer.groups(), Instant.now(), evidence));
        RequestView after = new RequestView(view.request(), view.agent(), view.decision(),
                verdict == Verdict.DENY ? RequestStatus.DENIED : view.status(), votes, view.deadline(),
                view.decidedAt(), view.version() + 1, view.grant(), view.grantConsumedAt(), view.execution());
        views.put(requestId, after);
        return CompletableFuture.completedFuture(Optional.of(new ReviewResult.Accepted(after)));
    }

    private static CompletionStage<Optional<ReviewResult>> refused(RequestView view, RefusalReason reason) {
        return CompletableFuture.completedFuture(Optional.of(new ReviewResult.Refused(view, reason,
                "refused by the fake core")));
    }

    @Override
    public CompletionStage<Void> recordChannelEvent(ChannelEvent event) {
        events.add(event);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<RequestView> find(String requestId) {
        return Optional.ofNullable(views.get(requestId));
    }
}
