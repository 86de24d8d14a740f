package io.countersign.examples.filedrop.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.RequestRejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The rules every drop follows: answer only what is journaled, and delete a drop only once it is answered. */
final class Durably {

    private static final long WAIT_SECONDS = 30;

    /** The core could not make this durable now; nothing was answered, so the drop is tried again later. */
    static final class RetryLater extends Exception {
        private static final long serialVersionUID = 1L;

        RetryLater(String message) {
            super(message);
        }
    }

    private Durably() {
    }

    /**
     * The stage's result, which {@code ApprovalService} hands over only once it is journaled.
     * {@link RequestRejectedException} is rethrown as itself, except {@code UNAVAILABLE} (the journal cannot write
     * now), which is a {@link RetryLater}, as is no answer in time.
     */
    static <T> T await(CompletionStage<T> stage) throws InterruptedException, RetryLater {
        try {
            return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new RetryLater("no durable answer within " + WAIT_SECONDS + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RequestRejectedException rejected) {
                if (rejected.reason() == RequestRejectedException.Reason.UNAVAILABLE) {
                    throw new RetryLater(rejected.getMessage());
                }
                throw rejected;
            }
            throw new IllegalStateException("the core failed", e.getCause());
        }
    }

    /** Writes {@code json} as the drop's answer, then deletes the drop: it is settled. */
    static void settle(Path drop, Path answer, ObjectNode json) throws IOException {
        DropFolders.writeAtomically(answer, Answers.bytes(json));
        Files.delete(drop);
    }

    /** A refusal as the REST API words it. */
    static ObjectNode problem(RequestRejectedException rejected) {
        String detail = rejected.getMessage();
        return switch (rejected.reason()) {
            case NOT_PERMITTED_TO_ACT_FOR -> Answers.problem(403, "not-permitted-to-act-for", "Forbidden", detail);
            case IDEMPOTENCY_KEY_REUSED -> Answers.problem(422, "idempotency-key-reused", "Idempotency key reused",
                    detail);
            case UNAVAILABLE -> Answers.problem(503, "unavailable", "Temporarily unavailable", detail);
            case RESERVED_ACTION -> Answers.problem(403, "reserved-action", "Forbidden", detail);
            case INVALID -> Answers.problem(400, "invalid-request", "Invalid request", detail);
            case NOT_ELIGIBLE -> Answers.problem(403, "not-eligible", "Forbidden", detail);
            case NOT_FOUND -> Answers.problem(404, "not-found", "Not found", detail);
        };
    }
}
