package io.countersign.api;

/** Why a review was not counted. Each has a stable machine-readable code. */
public enum RefusalReason {
    /** The reviewer is the requester or a human the requesting agent acts for. */
    SELF_APPROVAL("self-approval"),
    /** The reviewer belongs to none of the groups the route names. */
    NOT_ELIGIBLE("not-eligible"),
    /** The reviewer has already voted on this request. */
    ALREADY_VOTED("already-voted"),
    /** The request is no longer pending. */
    NOT_PENDING("not-pending"),
    /** This click (its channel's replay key) was already counted. */
    REPLAYED("replayed"),
    /** The reviewer was shown an action with another digest than the request's. */
    DIGEST_MISMATCH("digest-mismatch"),
    /**
     * The route requires step-up and the approval carried no valid passkey assertion over this request's challenge
     * from a passkey the reviewer registered.
     */
    STEP_UP_REQUIRED("step-up-required");

    private final String code;

    RefusalReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
