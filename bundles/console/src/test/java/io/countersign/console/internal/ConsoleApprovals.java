package io.countersign.console.internal;

import io.countersign.api.ChannelEvent;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.testing.ApprovalServiceStub;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The core as far as the console's pages need it: requests to show, reviews and channel events recorded. */
final class ConsoleApprovals extends ApprovalServiceStub {

    record ReviewCall(Reviewer reviewer, String requestId, Verdict verdict, String comment, ReviewEvidence evidence) {
    }

    final List<ReviewCall> reviews = new CopyOnWriteArrayList<>();
    final List<ChannelEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, RequestView> views = new ConcurrentHashMap<>();
    /** The journal seqs of each request's entries, as the core answers {@link #journalSeqs}. */
    final Map<String, List<Long>> seqs = new ConcurrentHashMap<>();

    RequestView add(RequestView view) {
        views.put(view.id(), view);
        return view;
    }

    @Override
    public List<Long> journalSeqs(String requestId) {
        return seqs.getOrDefault(requestId, List.of());
    }

    @Override
    public Optional<RequestView> find(String requestId) {
        return Optional.ofNullable(views.get(requestId));
    }

    @Override
    public List<RequestView> pendingFor(Reviewer reviewer) {
        return views.values().stream().filter(view -> view.eligibleGroups().stream()
                .anyMatch(reviewer.groups()::contains)).toList();
    }

    @Override
    public CompletionStage<Optional<ReviewResult>> review(Reviewer reviewer, String requestId, Verdict verdict,
                                                          String comment, ReviewEvidence evidence) {
        reviews.add(new ReviewCall(reviewer, requestId, verdict, comment, evidence));
        RequestView view = views.get(requestId);
        return CompletableFuture.completedFuture(Optional.ofNullable(view).map(ReviewResult.Accepted::new));
    }

    @Override
    public CompletionStage<Void> recordChannelEvent(ChannelEvent event) {
        events.add(event);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void addListener(io.countersign.api.RequestListener listener) {
    }

    @Override
    public void removeListener(io.countersign.api.RequestListener listener) {
    }
}
