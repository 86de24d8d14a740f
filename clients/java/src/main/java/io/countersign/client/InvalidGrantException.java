package io.countersign.client;

/** 400 {@code invalid-grant}: the token is not a grant of this log. */
public final class InvalidGrantException extends GrantRefusedException {

    private static final long serialVersionUID = 1L;

    InvalidGrantException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
