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

    private EntryTypes() {
    }
}
