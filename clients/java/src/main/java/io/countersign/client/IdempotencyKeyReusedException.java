package io.countersign.client;

/** 422 {@code idempotency-key-reused}: the key was used before for a different action. */
public final class IdempotencyKeyReusedException extends CountersignException {

    private static final long serialVersionUID = 1L;

    IdempotencyKeyReusedException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
