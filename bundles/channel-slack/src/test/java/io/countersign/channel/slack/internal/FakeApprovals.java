package io.countersign.channel.slack.internal;

import io.countersign.api.ChannelEvent;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.testing.ApprovalServiceStub;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The core's review checks in small: separation of duties, one vote each, digest, replay key. */
final class FakeApprovals extends ApprovalServiceStub {

    record ReviewCall(Reviewer reviewer, String requestId, Verdict verdict, ReviewEvidence evidence) {
    }

    final List<ReviewCall> reviews = new CopyOnWriteArrayList<>();
    final List<ChannelEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, RequestView> requests = new ConcurrentHashMap<>();
    private final Set<String> replayKeys = new HashSet<>();

    RequestView add(RequestView view) {
        requests.put(view.id(), view);
        return view;
    }

    @Override
    public synchronized CompletionStage<Optional<ReviewResult>> review(Reviewer reviewer, String requestId,
                                                                     Verdict verdict, String comment,
                                                                     ReviewEvidence evidence) {
        reviews.add(new ReviewCall(reviewer, requestId, verdict, evidence));
        RequestView view = requests.get(requestId);
        if (view == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        RefusalReason refusal = null;
        if (evidence.replayKey() != null && replayKeys.contains(evidence.replayKey())) {
            refusal = RefusalReason.REPLAYED;
        } else if (view.status() != RequestStatus.PENDING) {
            refusal = RefusalReason.NOT_PENDING;
        } else if (view.request().action().requester().equals(reviewer.id())
                || view.request().action().onBehalfOf().contains(reviewer.id())) {
            refusal = RefusalReason.SELF_APPROVAL;
        } else if (evidence.digest() != null && !evidence.digest().equals(view.request().digest())) {
            refusal = RefusalReason.DIGEST_MISMATCH;
        } else if (view.votes().stream().anyMatch(v -> v.reviewer().equals(reviewer.id()))) {
            refusal = RefusalReason.ALREADY_VOTED;
        }
        if (refusal != null) {
            return CompletableFuture.completedFuture(Optional.of(new ReviewResult.Refused(view, refusal, "refused")));
        }
        if (evidence.replayKey() != null) {
            replayKeys.add(evidence.replayKey());
        }
        RequestView next = Requests.withVote(view, reviewer, verdict, verdict == Verdict.DENY ? RequestStatus.DENIED
                : view.votes().size() + 1 >= 2 ? RequestStatus.APPROVED : RequestStatus.PENDING);
        requests.put(requestId, next);
        return CompletableFuture.completedFuture(Optional.of(new ReviewResult.Accepted(next)));
    }

    @Override
    public CompletionStage<Void> recordChannelEvent(ChannelEvent event) {
        events.add(event);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<RequestView> find(String requestId) {
        return Optional.ofNullable(requests.get(requestId));
    }
}
