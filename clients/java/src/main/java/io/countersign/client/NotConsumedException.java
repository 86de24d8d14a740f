package io.countersign.client;

/** 409 {@code not-consumed}: an execution report for a grant that was never consumed. */
public final class NotConsumedException extends GrantRefusedException {

    private static final long serialVersionUID = 1L;

    NotConsumedException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
