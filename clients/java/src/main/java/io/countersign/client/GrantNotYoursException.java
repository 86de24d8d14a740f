package io.countersign.client;

/** 403 {@code not-yours}: the grant or request belongs to another agent. */
public final class GrantNotYoursException extends GrantRefusedException {

    private static final long serialVersionUID = 1L;

    GrantNotYoursException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
