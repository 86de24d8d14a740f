package io.countersign.console.internal;

import io.countersign.api.Passkey;
import io.countersign.api.RequestView;
import io.countersign.api.StepUp;
import io.countersign.camel.RequestSummary;
import io.countersign.http.Html;
import java.util.List;

/** The HTML of the passkey pages and of the step-up approve control; every value is escaped, no inline script. */
final class PasskeyPages {

    /** What the browser needs to create a passkey for this reviewer. */
    record Ceremony(String rpId, String challenge, String userId, String userName) {
    }

    private PasskeyPages() {
    }

    /** Why a passkey cannot be added now. */
    enum AddRefused {
        SIGN_IN_AGAIN("Adding a passkey needs a sign-in in the last 10 minutes: sign in again first."),
        TOO_MANY("You have 10 passkeys, the most one reviewer may register.");

        private final String message;

        AddRefused(String message) {
            this.message = message;
        }

        String message() {
            return message;
        }
    }

    /** @param refused why no passkey can be added now (the form is left out), or {@code null} */
    static String list(Pages.Viewer viewer, String csrf, List<Passkey> passkeys, Ceremony ceremony, String notice,
                       boolean error, AddRefused refused) {
        StringBuilder body = new StringBuilder(4096);
        body.append("<p><a href=\"/console/\">Back to the inbox</a></p>\n<h1>Your passkeys</h1>\n");
        if (notice != null) {
            body.append("<p class=\"notice").append(error ? " error\" role=\"alert\">" : "\" role=\"status\">")
                    .append(Html.escape(notice)).append("</p>\n");
        }
        body.append("<p>A passkey proves it is you, with your device's screen lock or a security key. Requests whose"
                + " policy requires step-up can only be approved with one: your passkey signs that exact request.</p>\n"
                + "<h2>Registered</h2>\n");
        if (passkeys.isEmpty()) {
            body.append("<p id=\"passkeys-none\">You have no passkey yet, so you cannot approve step-up requests."
                    + " Add one below.</p>\n");
        } else {
            body.append("<table class=\"facts passkeys\">\n<thead><tr><th scope=\"col\">Name</th>"
                    + "<th scope=\"col\">Added</th></tr></thead>\n<tbody>\n");
            for (Passkey passkey : passkeys) {
                body.append("<tr><td>").append(Html.escape(passkey.name())).append("</td><td>")
                        .append(Html.escape(RequestSummary.when(passkey.at()))).append("</td></tr>\n");
            }
            body.append("</tbody>\n</table>\n");
        }
        if (refused != null) {
            body.append("<h2>Add a passkey</h2>\n<p id=\"passkey-add-refused\">").append(Html.escape(refused.message()));
            if (refused == AddRefused.SIGN_IN_AGAIN) {
                body.append(" <a href=\"/console/login/fresh\">Sign in again</a>");
            }
            body.append("</p>\n");
            return Pages.document("Your passkeys", viewer, csrf, body.toString(), false);
        }
        StringBuilder exclude = new StringBuilder();
        passkeys.forEach(passkey -> exclude.append(exclude.isEmpty() ? "" : " ").append(passkey.credentialId()));
        body.append("<h2>Add a passkey</h2>\n<form method=\"post\" action=\"/console/passkeys\" id=\"passkey-register\"")
                .append(" data-rp-id=\"").append(Html.escape(ceremony.rpId())).append("\" data-challenge=\"")
                .append(Html.escape(ceremony.challenge())).append("\" data-user-id=\"")
                .append(Html.escape(ceremony.userId())).append("\" data-user-name=\"")
                .append(Html.escape(ceremony.userName())).append("\" data-exclude=\"")
                .append(Html.escape(exclude.toString())).append("\">\n")
                .append(Pages.hidden("csrf", csrf)).append(Pages.hidden("clientDataJSON", ""))
                .append(Pages.hidden("attestationObject", ""))
                .append("<p><label for=\"passkey-name\">Name of the passkey</label><br/>\n")
                .append("<input id=\"passkey-name\" name=\"name\" type=\"text\" required=\"required\" maxlength=\"100\"")
                .append(" autocomplete=\"off\" aria-describedby=\"passkey-name-hint\"/><br/>\n")
                .append("<span id=\"passkey-name-hint\" class=\"meta\">For example \u201cwork laptop\u201d or"
                        + " \u201cblue security key\u201d.</span></p>\n")
                .append("<p class=\"notice\" data-needs-script=\"passkey\">Adding a passkey needs JavaScript and a"
                        + " browser that supports passkeys.</p>\n")
                .append("<button class=\"approve\" type=\"submit\" id=\"passkey-add\">Add a passkey</button>\n")
                .append("<p id=\"passkey-status\" role=\"status\" aria-live=\"polite\"></p>\n</form>\n")
                .append("<script src=\"").append(PasskeyViews.SCRIPT).append("\" defer=\"defer\"></script>\n");
        return Pages.document("Your passkeys", viewer, csrf, body.toString(), false);
    }

    /**
     * The approve control of a request whose route requires step-up, inside the decision form: it posts the
     * WebAuthn assertion over {@link StepUp#challenge} to {@code /step-up}. Without script the button still posts
     * there and the answer explains that a passkey is needed; denial stays the plain button.
     */
    static String stepUpApprove(RequestView view) {
        String id = Html.escape(view.id());
        return "<div class=\"step-up\" id=\"step-up\" data-challenge=\""
                + Html.escape(StepUp.challengeText(view.id(), view.request().digest())) + "\">\n"
                + "<p id=\"step-up-note\">This action's policy requires step-up: approving needs your passkey, which"
                + " signs this exact request and action digest. Denying needs none."
                + " <a href=\"/console/passkeys\">Manage your passkeys</a>.</p>\n"
                + "<p class=\"notice\" data-needs-script=\"passkey\">Approving with a passkey needs JavaScript and a"
                + " browser that supports passkeys.</p>\n"
                + Pages.hidden("credentialId", "") + Pages.hidden("authenticatorData", "")
                + Pages.hidden("clientDataJSON", "") + Pages.hidden("signature", "")
                + "<button class=\"approve\" type=\"submit\" id=\"passkey-approve\" formaction=\"/console/requests/" + id
                + "/step-up\" aria-describedby=\"step-up-note\">Approve with passkey</button>\n"
                + "<p id=\"step-up-status\" role=\"status\" aria-live=\"polite\"></p>\n</div>\n"
                + "<script src=\"" + PasskeyViews.SCRIPT + "\" defer=\"defer\"></script>\n";
    }

    /** A step-up approval that was not recorded, and the way back to the request. */
    static String notRecorded(Pages.Viewer viewer, String csrf, String requestId, String detail) {
        return Pages.document("Not recorded", viewer, csrf, "<h1>Your approval was not recorded</h1>\n"
                + "<p class=\"notice error\" role=\"alert\">" + Html.escape(detail) + "</p>\n"
                + "<p><a href=\"/console/requests/" + Html.escape(requestId) + "\">Back to the request</a> \u00b7 "
                + "<a href=\"/console/passkeys\">Manage your passkeys</a></p>\n", false);
    }
}
