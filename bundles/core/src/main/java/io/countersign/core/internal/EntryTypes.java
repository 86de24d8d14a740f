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
    /** Not in {@link #isOwn}: it names no request, so the request index never sees it. */
    static final String PASSKEY_REGISTERED = "passkey.registered";

    /** Entries about a request that may follow its closing entry: they belong to its grant. */
    static boolean followsClosing(String type) {
        return type.equals(GRANT_ISSUED) || type.equals(GRANT_CONSUMED) || type.equals(GRANT_REFUSED)
                || type.equals(EXECUTION_REPORTED);
    }

    private static final java.util.Set<String> OWN = java.util.Set.of(REQUEST_RECEIVED, POLICY_DECIDED,
            REVIEW_ACCEPTED, REVIEW_REFUSED, REQUEST_APPROVED, REQUEST_DENIED, REQUEST_EXPIRED, GRANT_ISSUED,
            GRANT_CONSUMED, GRANT_REFUSED, EXECUTION_REPORTED, REQUEST_ESCALATED, BREAKGLASS_INVOKED, STANDING_GRANTED,
            STANDING_USED, STANDING_REVOKED);

    /** Whether the approval flow writes this type; other bundles' entries naming a request are its mentions. */
    static boolean isOwn(String type) {
        return OWN.contains(type);
    }

    /** Whether this is an entry of one request, part of what its view is rebuilt from. */
    static boolean isRequestEntry(String type) {
        return isOwn(type) && !type.equals(REVIEW_REFUSED) && !type.equals(STANDING_GRANTED)
                && !type.equals(STANDING_REVOKED);
    }

    private EntryTypes() {
    }
}
