package io.countersign.api;

/**
 * The durable result of a submission.
 *
 * @param replayed true when an earlier request with the same idempotency key was returned
 */
public record Submission(RequestView view, boolean replayed) {
}
