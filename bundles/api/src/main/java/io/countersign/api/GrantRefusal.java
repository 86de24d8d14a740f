package io.countersign.api;

/** Why a grant was not consumed or an execution report not recorded; nothing changed. */
public enum GrantRefusal {
    /** The token is not a grant signed by this log. */
    INVALID_GRANT("invalid-grant"),
    /** No such grant was issued (or its request is unknown). */
    UNKNOWN_GRANT("unknown-grant"),
    /** Another agent's grant or request. */
    NOT_YOURS("not-yours"),
    /** The presented action is not the approved one: it was edited after approval. */
    ACTION_MISMATCH("action-mismatch"),
    EXPIRED("expired"),
    ALREADY_CONSUMED("already-consumed"),
    /** An execution report for a grant not consumed. */
    NOT_CONSUMED("not-consumed"),
    ALREADY_REPORTED("already-reported");

    private final String code;

    GrantRefusal(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
