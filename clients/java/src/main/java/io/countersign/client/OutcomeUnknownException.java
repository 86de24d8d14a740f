package io.countersign.client;

/**
 * A call that must not be repeated (consuming a grant, reporting an execution) was sent and no answer came: it may
 * or may not have taken effect. Read the request to find out; never act as if it had failed.
 */
public final class OutcomeUnknownException extends CountersignException {

    private static final long serialVersionUID = 1L;

    OutcomeUnknownException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
