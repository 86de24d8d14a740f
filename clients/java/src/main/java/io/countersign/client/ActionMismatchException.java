package io.countersign.client;

/** 403 {@code action-mismatch}: the action presented is not the approved one (it was changed after approval). */
public final class ActionMismatchException extends GrantRefusedException {

    private static final long serialVersionUID = 1L;

    ActionMismatchException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
