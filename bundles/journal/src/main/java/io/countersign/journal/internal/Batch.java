package io.countersign.journal.internal;

import io.countersign.api.JournalEntry;
import io.countersign.api.RequestRejectedException;
import java.util.concurrent.CompletableFuture;

/** Futures of one write, in journal order, with what each completes with: an entry or a failure. */
final class Batch {

    static final Batch STOP = new Batch(new Pending[0], new Object[0], 0);

    private final CompletableFuture<JournalEntry>[] futures;
    private final Object[] outcomes;

    @SuppressWarnings("unchecked")
    Batch(Pending[] pendings, Object[] outcomes, int size) {
        this.futures = new CompletableFuture[size];
        for (int i = 0; i < size; i++) {
            futures[i] = pendings[i].future();
        }
        this.outcomes = outcomes;
    }

    static Batch failed(Pending[] pendings, int size, String message) {
        Object[] outcomes = new Object[size];
        for (int i = 0; i < size; i++) {
            outcomes[i] = new RequestRejectedException(RequestRejectedException.Reason.UNAVAILABLE, message);
        }
        return new Batch(pendings, outcomes, size);
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
