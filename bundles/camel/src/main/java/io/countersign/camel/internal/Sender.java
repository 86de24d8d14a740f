package io.countersign.camel.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.notify.Notification;
import java.util.concurrent.CompletionStage;

/** How the dispatcher hands a notification to a channel; Camel in production, a fake in the dispatcher's tests. */
interface Sender {

    /** Whether the channel is installed now. */
    boolean isAvailable(String channel);

    /** Delivers, with the shared retries; completes with the outcome, never exceptionally. */
    CompletionStage<Result> send(Notification notification);

    sealed interface Result {
    }

    /** The provider accepted the message; {@code reference} is its handle on it. */
    record Delivered(ObjectNode reference) implements Result {
    }

    /** Every attempt failed, or the failure was permanent. */
    record Failed(int attempts, String error) implements Result {
    }
}
