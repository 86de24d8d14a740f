package io.countersign.client;

/**
 * The answer to a submission.
 *
 * @param replayed       whether the server already had a request for this idempotency key and returned it
 * @param idempotencyKey the key it was submitted with
 */
public record Submission(ActionRequest request, boolean replayed, String idempotencyKey) {

    public Outcome outcome() {
        return Outcome.of(request);
    }
}
