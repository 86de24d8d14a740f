package io.countersign.channel.email.internal;

/** Why the review page refused a link or a form before the core saw it; the code is journaled. */
enum Refusal {
    TOKEN_UNKNOWN("token-unknown", 404, "This review link no longer works",
            "Its request was decided more than a day ago, so there is nothing left to review; or the link was "
                    + "changed on its way, in which case open it again from the email."),
    TOKEN_EXPIRED("token-expired", 410, "This review link has expired",
            "Review links work for a limited time. Ask your Countersign administrator to send you a new review "
                    + "email."),
    TOKEN_USED("token-used", 409, "This review link was already used",
            "Each review link records one decision. Your earlier decision stands."),
    CSRF("csrf", 403, "The form could not be verified",
            "Open the link from your email again and submit the form on that page."),
    BAD_FORM("bad-form", 400, "The form is incomplete",
            "Open the link from your email again and submit the form on that page."),
    REASON_MISSING("reason-missing", 400, "Say why you deny",
            "A denial needs a reason in the comment: go back, write it, and press Deny again."),
    REVIEWER_UNKNOWN("reviewer-unknown", 403, "This link is not for a current reviewer",
            "The address this link was sent to no longer belongs to the reviewer it was sent for."),
    REQUEST_UNKNOWN("request-unknown", 404, "No such request", "The request this link was for does not exist.");

    private final String code;
    private final int status;
    private final String heading;
    private final String detail;

    Refusal(String code, int status, String heading, String detail) {
        this.code = code;
        this.status = status;
        this.heading = heading;
        this.detail = detail;
    }

    String code() {
        return code;
    }

    int status() {
        return status;
    }

    String heading() {
        return heading;
    }

    String detail() {
        return detail;
    }
}
