package io.countersign.client;

/** 409 {@code already-consumed}: the grant was used before; the action must not run again on it. */
public final class GrantAlreadyConsumedException extends GrantRefusedException {

    private static final long serialVersionUID = 1L;

    GrantAlreadyConsumedException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
