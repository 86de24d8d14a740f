package io.countersign.api;

/** The durable result of a review: counted, or refused with a reason. Both are journaled. */
public sealed interface ReviewResult {

    RequestView view();

    record Accepted(RequestView view) implements ReviewResult {
    }

    record Refused(RequestView view, RefusalReason reason, String detail) implements ReviewResult {
    }
}
