package io.countersign.client;

/**
 * The server could not be reached, or answered 503 ({@code unavailable}, {@code starting}), until the call's
 * deadline. Nothing was done.
 */
public final class UnavailableException extends CountersignException {

    private static final long serialVersionUID = 1L;

    UnavailableException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
