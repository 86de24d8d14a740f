package io.countersign.client;

/** 401 {@code unauthenticated}: the agent key is missing or wrong. */
public final class UnauthenticatedException extends CountersignException {

    private static final long serialVersionUID = 1L;

    UnauthenticatedException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
