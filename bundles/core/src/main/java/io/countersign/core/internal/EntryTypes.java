package io.countersign.core.internal;

/** The journal entry types the approval flow writes. */
final class EntryTypes {

    static final String REQUEST_RECEIVED = "request.received";
    static final String POLICY_DECIDED = "policy.decided";
    static final String REVIEW_ACCEPTED = "review.accepted";
    static final String REVIEW_REFUSED = "review.refused";
    static final String REQUEST_APPROVED = "request.approved";
    static final String REQUEST_DENIED = "request.denied";
    static final String REQUEST_EXPIRED = "request.expired";
    static final String GRANT_ISSUED = "grant.issued";
    static final String GRANT_CONSUMED = "grant.consumed";
    static final String GRANT_REFUSED = "grant.refused";
    static final String EXECUTION_REPORTED = "execution.reported";
    static final String REQUEST_ESCALATED = "request.escalated";
    static final String BREAKGLASS_INVOKED = "breakglass.invoked";
    static final String STANDING_GRANTED = "standing.granted";
    static final String STANDING_USED = "standing.used";
    static final String STANDING_REVOKED = "standing.revoked";

    /** Entries about a request that may follow its closing entry: they belong to its grant. */
    static boolean followsClosing(String type) {
        return type.equals(GRANT_ISSUED) || type.equals(GRANT_CONSUMED) || type.equals(GRANT_REFUSED)
                || type.equals(EXECUTION_REPORTED);
    }

    private EntryTypes() {
    }
}
