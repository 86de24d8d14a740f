package io.countersign.console.internal;

import io.countersign.api.RequestView;
import io.countersign.api.Vote;
import io.countersign.camel.RequestSummary;
import io.countersign.http.Html;
import java.time.Instant;
import java.util.List;

/** The console's HTML. Every value from a request or the provider is escaped; no inline script (the CSP forbids it). */
final class Pages {

    static final int MAX_COMMENT = 2000;
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** Who is signed in, and which of the console's views they may open besides their inbox. */
    record Viewer(String name, boolean auditor) {
    }

    private Pages() {
    }

    /** What the reviewer may decide now, the nearest deadline first; {@code live} adds the SSE script. */
    static String inbox(Viewer viewer, List<RequestView> pending, Instant now, String csrf) {
        StringBuilder body = new StringBuilder(8192);
        body.append("<h1>Waiting for you</h1>\n<div id=\"inbox\" data-live=\"/console/events\">\n")
                .append(inboxList(pending, now)).append("</div>\n");
        return document("Inbox", viewer, csrf, body.toString(), true);
    }

    /** The list alone: the script fetches it again when it cannot update one request (e.g. after reconnecting). */
    static String inboxList(List<RequestView> pending, Instant now) {
        if (pending.isEmpty()) {
            return "<p class=\"empty\">Nothing is waiting for you.</p>\n";
        }
        StringBuilder list = new StringBuilder(4096);
        list.append("<p id=\"inbox-count\">").append(pending.size()).append(pending.size() == 1 ? " request"
                : " requests").append(", the nearest deadline first.</p>\n<ul class=\"requests\">\n");
        for (RequestView view : pending) {
            list.append(inboxItem(view, now));
        }
        return list.append("</ul>\n").toString();
    }

    /**
     * One request of the inbox; the script asks for it alone when an event names it ({@code id} to find it again,
     * {@code data-deadline} in epoch milliseconds to put it in order).
     */
    static String inboxItem(RequestView view, Instant now) {
        StringBuilder item = new StringBuilder(1024);
        RequestSummary summary = RequestSummary.of(view);
        item.append("<li id=\"request-").append(Html.escape(view.id())).append("\" data-deadline=\"")
                .append(view.deadline() == null ? Long.MAX_VALUE : view.deadline().toEpochMilli())
                .append("\"><a href=\"/console/requests/").append(Html.escape(view.id())).append("\">")
                .append(Html.escape(summary.title())).append("</a>\n<p class=\"cues\">");
        for (RequestSummary.Field field : summary.fields()) {
            if (field.label().equals("Risk")) {
                item.append("<span class=\"risk\">").append(Html.escape(field.value())).append("</span> ");
            }
        }
        item.append("</p>\n<p>For ").append(Html.escape(String.join(", ", view.request().action().onBehalfOf())))
                .append(": ").append(Html.escape(view.request().justification())).append("</p>\n<p class=\"meta\">")
                .append("Needs ").append(Html.escape(summary.quorum())).append(". Decide by ")
                .append(Html.escape(RequestSummary.when(view.deadline()))).append(" (")
                .append(Html.escape(RequestSummary.timeLeft(now, view.deadline()))).append(").</p></li>\n");
        return item.toString();
    }

    /** The request in full, its votes and, while this reviewer may still decide, the form. */
    static String request(Viewer viewer, RequestView view, boolean mayDecide, Instant now, String csrf,
                          String notice) {
        RequestSummary summary = RequestSummary.of(view);
        StringBuilder body = new StringBuilder(8192);
        body.append("<p><a href=\"/console/\">Back to the inbox</a> · <a href=\"/console/requests/")
                .append(Html.escape(view.id())).append("/record\">Change record</a></p>\n<h1>")
                .append(Html.escape(summary.title())).append("</h1>\n");
        if (notice != null) {
            body.append("<p class=\"notice\" role=\"status\">").append(Html.escape(notice)).append("</p>\n");
        }
        body.append("<table class=\"facts\">\n");
        for (RequestSummary.Field field : summary.fields()) {
            body.append("<tr><th scope=\"row\">").append(Html.escape(field.label())).append("</th><td>");
            if (field.value() != null && field.value().indexOf('\n') >= 0) {
                body.append("<pre>").append(Html.escape(field.value())).append("</pre>");
            } else {
                body.append(Html.escape(field.value()));
            }
            body.append("</td></tr>\n");
        }
        body.append("<tr><th scope=\"row\">Needs</th><td>").append(Html.escape(summary.quorum().isEmpty() ? "no review"
                : summary.quorum())).append("</td></tr>\n<tr><th scope=\"row\">Status</th><td>")
                .append(Html.escape(view.status().wireName())).append("</td></tr>\n");
        if (view.deadline() != null && summary.isPending()) {
            body.append("<tr><th scope=\"row\">Deadline</th><td>")
                    .append(Html.escape(RequestSummary.when(view.deadline()))).append(" (")
                    .append(Html.escape(RequestSummary.timeLeft(now, view.deadline()))).append(")</td></tr>\n");
        }
        body.append("</table>\n<h2>Why review is needed</h2>\n<ul>\n");
        for (String reason : view.decision().reasons()) {
            body.append("<li>").append(Html.escape(reason)).append("</li>\n");
        }
        body.append("</ul>\n<h2>Votes</h2>\n");
        if (view.votes().isEmpty()) {
            body.append("<p>No votes yet.</p>\n");
        } else {
            body.append("<ul>\n");
            for (Vote vote : view.votes()) {
                body.append("<li>").append(Html.escape(vote.reviewer()))
                        .append(vote.verdict().wireName().equals("approve")
                        ? " approved" : " denied").append(" via ").append(Html.escape(vote.channel())).append(" at ")
                        .append(Html.escape(RequestSummary.when(vote.at())));
                if (vote.comment() != null) {
                    body.append(": ").append(Html.escape(vote.comment()));
                }
                body.append("</li>\n");
            }
            body.append("</ul>\n");
        }
        if (mayDecide) {
            body.append(decisionForm(view, csrf));
        }
        return document(summary.title(), viewer, csrf, body.toString(), false);
    }

    /** The approve / deny form of a request this reviewer may decide now. */
    static String decisionForm(RequestView view, String csrf) {
        StringBuilder body = new StringBuilder(1024);
        body.append("<h2>Your decision</h2>\n<form method=\"post\" action=\"/console/requests/")
                .append(Html.escape(view.id())).append("/review\">\n")
                .append(hidden("csrf", csrf)).append(hidden("digest", view.request().digest()))
                .append("<p><label for=\"comment\">Comment (required to deny)</label><br/>\n")
                .append("<textarea id=\"comment\" name=\"comment\" maxlength=\"").append(MAX_COMMENT)
                .append("\"></textarea></p>\n")
                .append(view.decision().route().stepUp() ? PasskeyPages.stepUpApprove(view)
                        : "<button class=\"approve\" type=\"submit\" name=\"verdict\" value=\"approve\">"
                        + "Approve</button>\n")
                .append("<button class=\"deny\" type=\"submit\" name=\"verdict\" value=\"deny\">Deny</button>\n")
                .append("</form>\n");
        return body.toString();
    }

    static String message(String title, String text, int status) {
        return document(title, null, null, "<h1>" + Html.escape(title) + "</h1>\n<p>" + Html.escape(text) + "</p>\n"
                + (status == 401 || status == 403 ? "<p><a href=\"/console/login\">Sign in</a></p>\n" : ""), false);
    }

    static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + Html.escape(name) + "\" value=\"" + Html.escape(value) + "\"/>\n";
    }

    static String document(String title, Viewer viewer, String csrf, String body, boolean live) {
        StringBuilder page = new StringBuilder(body.length() + 1024);
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append("<meta name=\"referrer\" content=\"same-origin\"/><title>").append(Html.escape(title))
                .append(" - Countersign</title><link rel=\"stylesheet\" href=\"/console/static/console.css\"/>");
        if (live) {
            page.append("<script src=\"/console/static/inbox.js\" defer=\"defer\"></script>");
        }
        page.append("</head>\n<body>\n<header><a class=\"home\" href=\"/console/\">Countersign</a>");
        if (viewer != null && viewer.auditor()) {
            page.append("<nav aria-label=\"Console\"><a href=\"/console/\">Inbox</a> "
                    + "<a href=\"/console/audit/requests\">Search requests</a> "
                    + "<a href=\"/console/audit/ledger\">Ledger</a></nav>");
        }
        if (viewer != null) {
            page.append("<form method=\"post\" action=\"/console/logout\" class=\"signout\"><span>Signed in as ")
                    .append(Html.escape(viewer.name())).append("</span> ").append(hidden("csrf", csrf))
                    .append("<button type=\"submit\">Sign out</button></form>");
        }
        return page.append("</header>\n<main>\n").append(body).append("</main>\n</body></html>\n").toString();
    }
}
