package io.countersign.client;

/** 404 {@code not-found}: no such request is visible to this agent. */
public final class NotFoundException extends CountersignException {

    private static final long serialVersionUID = 1L;

    NotFoundException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
