package io.countersign.channel.email.internal;

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
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Just enough of the core: it counts votes, refuses replayed keys, and records what the channel reported. */
final class FakeApprovalService extends ApprovalServiceStub {

    record ReviewCall(Reviewer reviewer, String requestId, Verdict verdict, String comment,
                      ReviewEvidence evidence) {
    }

    final Map<String, RequestView> views = new ConcurrentHashMap<>();
    final List<ReviewCall> reviews = new CopyOnWriteArrayList<>();
    final List<ChannelEvent> events = new CopyOnWriteArrayList<>();
    private final Set<String> replayKeys = ConcurrentHashMap.newKeySet();
    private final Clock clock;

    FakeApprovalService(Clock clock) {
        this.clock = clock;
    }

    void put(RequestView view) {
        views.put(view.id(), view);
    }

    List<ChannelEvent> events(ChannelEvent.Kind kind, String code) {
        return events.stream().filter(e -> e.kind() == kind && e.code().equals(code)).toList();
    }

    void reset() {
        views.clear();
        reviews.clear();
        events.clear();
        replayKeys.clear();
    }

    /** Counts the requests it holds of the agent and action: every one of them arrived today, within the hour. */
    @Override
    public io.countersign.api.RequesterActivity activity(String agentId, String action) {
        long count = views.values().stream().filter(view -> view.request().action().requester().equals(agentId)
                && view.request().action().action().equals(action)).count();
        return new io.countersign.api.RequesterActivity(count, count);
    }

    @Override
    public Optional<RequestView> find(String requestId) {
        return Optional.ofNullable(views.get(requestId));
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
        if (view.status() != RequestStatus.PENDING) {
            return refused(view, RefusalReason.NOT_PENDING);
        }
        if (!view.request().digest().equals(evidence.digest())) {
            return refused(view, RefusalReason.DIGEST_MISMATCH);
        }
        if (view.votes().stream().anyMatch(v -> v.reviewer().equals(reviewer.id()))) {
            return refused(view, RefusalReason.ALREADY_VOTED);
        }
        long approvals = view.votes().stream().filter(v -> v.verdict() == Verdict.APPROVE).count()
                + (verdict == Verdict.APPROVE ? 1 : 0);
        RequestStatus status = verdict == Verdict.DENY ? RequestStatus.DENIED
                : approvals >= 2 ? RequestStatus.APPROVED : RequestStatus.PENDING;
        RequestView next = Requests.withVote(view, new Vote(reviewer.id(), verdict, comment, reviewer.groups(),
                clock.instant(), evidence), status, clock.instant());
        views.put(requestId, next);
        return CompletableFuture.completedFuture(Optional.of(new ReviewResult.Accepted(next)));
    }

    private static CompletionStage<Optional<ReviewResult>> refused(RequestView view, RefusalReason reason) {
        return CompletableFuture.completedFuture(Optional.of(new ReviewResult.Refused(view, reason, reason.code())));
    }

    @Override
    public CompletionStage<Void> recordChannelEvent(ChannelEvent event) {
        events.add(event);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<Long> journalSeqs(String requestId) {
        // the Dispatcher asks where a request is journaled; there is no journal here
        return List.of();
    }
}
