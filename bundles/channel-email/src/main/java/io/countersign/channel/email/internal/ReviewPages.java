package io.countersign.channel.email.internal;

import io.countersign.api.Verdict;
import io.countersign.camel.RequestSummary;
import io.countersign.http.Html;
import java.net.URI;
import java.time.Instant;

/** The HTML of the review page and of the answers to its form. Every value from a request is escaped. */
final class ReviewPages {

    static final int MAX_COMMENT = 2000;
    static final String REFERRER_POLICY = "same-origin";

    private static final String STYLE = "body{font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#1a1a1a;"
            + "max-width:760px;margin:24px auto;padding:0 16px}"
            // a digest or parameters JSON has no break opportunities: without these the page grows wider than a phone
            + "td,code,pre,li{overflow-wrap:anywhere}table{max-width:100%}"
            + "button,a.approve{font-size:16px;min-height:44px;padding:8px 20px;margin:8px 8px 0 0;border-radius:4px;"
            + "border:1px solid #888;box-sizing:border-box}a.approve{display:inline-block;text-decoration:none}"
            + ".approve{background:#1e7d32;color:#fff}button.deny{background:#b3261e;color:#fff}"
            + "textarea{width:100%;min-height:4em}blockquote{margin:8px 0;padding:4px 12px;border-left:4px solid #b3261e}"
            + ".who{font-weight:bold}.notice{padding:8px 12px;background:#fff4ce;border:1px solid #e0c060}";

    private ReviewPages() {
    }

    /**
     * What the page says around the request: who the link decides as, and for which groups; the agent's recent
     * requests for the action ({@code null} when unknown); the time the page is made, for the time left.
     */
    record Context(String reviewingAs, String requesterHistory, Instant now) {
    }

    /** The request and, while it can still be decided with this link, the form. */
    static String review(RequestSummary summary, Context context, URI action, String csrf, String notice) {
        StringBuilder body = new StringBuilder(4096);
        body.append("<h1>Review request</h1>\n");
        if (notice != null) {
            body.append("<p class=\"notice\">").append(Html.escape(notice)).append("</p>\n");
        }
        body.append("<p class=\"who\">").append(Html.escape(context.reviewingAs())).append("</p>\n");
        if (summary.isPending() && summary.deadline() != null) {
            body.append("<p>Decide by ").append(Html.escape(SummaryRenderer.when(summary.deadline())))
                    .append(" (").append(Html.escape(RequestSummary.timeLeft(context.now(), summary.deadline())))
                    .append(").</p>\n");
        }
        body.append(SummaryRenderer.html(summary));
        if (context.requesterHistory() != null) {
            body.append("<h3 style=\"font-size:15px;margin:12px 0 4px\">Requester history</h3>\n<p style=\"margin:0\">")
                    .append(Html.escape(context.requesterHistory())).append("</p>\n");
        }
        if (action != null) {
            body.append("<form method=\"post\" action=\"").append(Html.escape(action.toString())).append("\">\n")
                    .append(hidden("csrf", csrf)).append(hidden("digest", summary.digest()))
                    .append("<p>You are deciding on the action with digest <code>")
                    .append(Html.escape(summary.digest())).append("</code>.</p>\n")
                    .append("<p><label for=\"comment\">Comment (a reason is required to deny)</label><br>\n")
                    .append("<textarea id=\"comment\" name=\"comment\" maxlength=\"").append(MAX_COMMENT)
                    .append("\"></textarea></p>\n")
                    .append(approveControl(summary))
                    .append("<button class=\"deny\" type=\"submit\" name=\"verdict\" value=\"deny\">Deny</button>\n")
                    .append("</form>\n");
        }
        return document("Review: " + summary.title(), body.toString());
    }

    /** Approve submits the form, unless approving needs a passkey: then it is a link to the console, or nothing. */
    private static String approveControl(RequestSummary summary) {
        if (summary.approvesOnChannel()) {
            return "<button class=\"approve\" type=\"submit\" name=\"verdict\" value=\"approve\">Approve</button>\n";
        }
        if (summary.consolePage() == null) {
            return "";
        }
        return "<a class=\"approve\" href=\"" + Html.escape(summary.consolePage().toString())
                + "\">Approve with passkey in the console</a>\n";
    }

    /** The second step of a denial: what is denied, the reason given, and one button that really denies. */
    static String confirmDenial(String title, URI action, String csrf, String digest, String reason) {
        String body = "<h1>Deny this request?</h1>\n<p>" + Html.escape(title) + "</p>\n"
                + "<p>Your reason:</p>\n<blockquote>" + Html.escape(reason) + "</blockquote>\n"
                + "<p>A denial is final: the agent may not run the action, and the request closes for every reviewer."
                + "</p>\n<form method=\"post\" action=\"" + Html.escape(action.toString()) + "\">\n"
                + hidden("csrf", csrf) + hidden("digest", digest) + hidden("comment", reason)
                + hidden("confirm", "yes")
                + "<button class=\"deny\" type=\"submit\" name=\"verdict\" value=\"deny\">Deny the request</button>\n"
                + "</form>\n<p><a href=\"" + Html.escape(action.toString()) + "\">Go back to the request</a></p>\n";
        return document("Deny this request?", body);
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + Html.escape(name) + "\" value=\"" + Html.escape(value) + "\">\n";
    }

    static String accepted(Verdict verdict, RequestSummary summary) {
        String done = verdict == Verdict.APPROVE ? "Your approval was recorded." : "Your denial was recorded.";
        String state = summary.outcome() == null ? "The request is still waiting for other reviews."
                : "The request is now decided: " + summary.outcome() + ".";
        return document(done, "<h1>" + Html.escape(done) + "</h1>\n<p>" + Html.escape(state) + "</p>\n"
                + SummaryRenderer.html(summary));
    }

    static String refused(String heading, String code, String detail) {
        return document(heading, "<h1>" + Html.escape(heading) + "</h1>\n<p>" + Html.escape(detail) + "</p>\n"
                + "<p>Nothing was changed. (Reason: <code>" + Html.escape(code) + "</code>)</p>\n");
    }

    private static String document(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"" + REFERRER_POLICY + "\"><title>" + Html.escape(title)
                + " - Countersign</title><style>" + STYLE + "</style></head>\n<body>\n<main>\n" + body
                + "</main>\n</body></html>\n";
    }
}
