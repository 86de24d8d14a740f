package io.countersign.journal.internal;

import io.countersign.api.JournalEntry;
import io.countersign.api.RequestRejectedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Futures of one write, in journal order, with what each completes with: an entry or a failure. */
final class Batch {

    static final Batch STOP = new Batch(new Pending[0], 0, 0, new Object[0]);

    private final CompletableFuture<JournalEntry>[] futures;
    private final Object[] outcomes;

    /** The futures of {@code pendings[from, to)}; {@code outcomes[i]} belongs to {@code pendings[from + i]}. */
    @SuppressWarnings("unchecked")
    Batch(Pending[] pendings, int from, int to, Object[] outcomes) {
        this.futures = new CompletableFuture[to - from];
        for (int i = 0; i < futures.length; i++) {
            futures[i] = pendings[from + i].future();
        }
        this.outcomes = outcomes;
    }

    static Batch failed(Pending[] pendings, int from, int to, String message, Duration retryAfter) {
        Object[] outcomes = new Object[to - from];
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new RequestRejectedException(RequestRejectedException.Reason.UNAVAILABLE, message,
                    retryAfter);
        }
        return new Batch(pendings, from, to, outcomes);
    }

    /** Passes each entry the batch made durable to {@code sink}, in journal order. */
    void forEachEntry(java.util.function.Consumer<JournalEntry> sink) {
        for (Object outcome : outcomes) {
            if (outcome instanceof JournalEntry entry) {
                sink.accept(entry);
            }
        }
    }

    void complete() {
        for (int i = 0; i < futures.length; i++) {
            if (outcomes[i] instanceof JournalEntry entry) {
                futures[i].complete(entry);
            } else {
                futures[i].completeExceptionally((Throwable) outcomes[i]);
            }
        }
    }
}
