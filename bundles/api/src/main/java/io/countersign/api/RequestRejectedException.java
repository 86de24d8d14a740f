package io.countersign.api;

import java.time.Duration;

/** A submission Countersign will not accept; nothing was recorded. */
public final class RequestRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Stable, machine-readable reasons. */
    public enum Reason {
        /** The agent is not registered to act for a named human. */
        NOT_PERMITTED_TO_ACT_FOR,
        /** An idempotency key was reused for a different action. */
        IDEMPOTENCY_KEY_REUSED,
        /** The journal cannot accept writes; the caller may retry later. */
        UNAVAILABLE,
        /** The action is in the namespace Countersign reserves for the requests it raises itself. */
        RESERVED_ACTION,
        /** The input breaks a rule stated in the message (a missing break-glass reason, an unbounded window …). */
        INVALID,
        /** The caller may not do this (not in the group, the approver of their own request …). */
        NOT_ELIGIBLE,
        /** The thing named does not exist. */
        NOT_FOUND
    }

    private final Reason reason;
    private final Duration retryAfter;

    public RequestRejectedException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** @param retryAfter for {@link Reason#UNAVAILABLE}: when a retry makes sense, or {@code null} if unknown */
    public RequestRejectedException(Reason reason, String message, Duration retryAfter) {
        super(message);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** When a retry makes sense, if the refusing component knows; {@code null} otherwise. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
