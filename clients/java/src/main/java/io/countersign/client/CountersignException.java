package io.countersign.client;

/**
 * Why a call did not succeed. {@link #reason()} is the server's stable problem {@code reason} (RFC 9457
 * problem+json), or one of the client's own for failures with no answer: {@code unreachable} (no connection before
 * the call's deadline), {@code outcome-unknown} (a call that must not be repeated was sent, and no answer came) and
 * {@code unexpected-answer} (an answer that is not the API's).
 */
public class CountersignException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final int status;
    private final String detail;

    public CountersignException(String reason, int status, String detail, Throwable cause) {
        super(reason + (status > 0 ? " (" + status + ")" : "") + (detail == null ? "" : ": " + detail), cause);
        this.reason = reason;
        this.status = status;
        this.detail = detail;
    }

    /** The problem's {@code reason}, such as {@code already-consumed}. */
    public String reason() {
        return reason;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The problem's {@code detail}: what a person needs to know, never internal detail. */
    public String detail() {
        return detail;
    }
}
