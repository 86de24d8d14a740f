package io.countersign.channel.email.internal;

/** Why the review page refused a link or a form before the core saw it; the code is journaled. */
enum Refusal {
    TOKEN_UNKNOWN("token-unknown", 404, "This review link is not valid",
            "The link is not one Countersign sent, or its request was closed some time ago."),
    TOKEN_EXPIRED("token-expired", 410, "This review link has expired",
            "Review links work for a limited time. Review the request in the Countersign console instead."),
    TOKEN_USED("token-used", 409, "This review link was already used",
            "Each review link records one decision. Your earlier decision stands."),
    CSRF("csrf", 403, "The form could not be verified",
            "Open the link from your email again and submit the form on that page."),
    BAD_FORM("bad-form", 400, "The form is incomplete",
            "Open the link from your email again and submit the form on that page."),
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
