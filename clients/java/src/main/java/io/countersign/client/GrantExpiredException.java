package io.countersign.client;

/** 410 {@code expired}: the grant's time ran out before it was consumed. */
public final class GrantExpiredException extends GrantRefusedException {

    private static final long serialVersionUID = 1L;

    GrantExpiredException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
