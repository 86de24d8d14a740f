package io.countersign.client;

/** 404 {@code unknown-grant}: no such grant. */
public final class UnknownGrantException extends GrantRefusedException {

    private static final long serialVersionUID = 1L;

    UnknownGrantException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
