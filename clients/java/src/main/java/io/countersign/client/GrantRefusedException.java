package io.countersign.client;

/** The server refused to consume a grant or to take an execution report; the subclass says why. */
public abstract class GrantRefusedException extends CountersignException {

    private static final long serialVersionUID = 1L;

    GrantRefusedException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
