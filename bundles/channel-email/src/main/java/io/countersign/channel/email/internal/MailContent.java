package io.countersign.channel.email.internal;

import io.countersign.camel.RequestSummary;
import io.countersign.http.Html;
import java.net.URI;
import java.time.Instant;

/** What one email says, in its two alternative forms. The subject is one line of plain text. */
record MailContent(String subject, String text, String html) {

    private static final int MAX_SUBJECT = 180;

    /** A review request or reminder, with the link to the review page. There is no decision link: see the page. */
    static MailContent review(String subjectPrefix, RequestSummary summary, URI link, Instant expiresAt,
                              boolean reminder) {
        String lead = reminder ? "Reminder: your review is still needed" : "Your review is needed";
        String subject = subject(subjectPrefix, (reminder ? "Reminder: review " : "Review: ") + summary.title());
        String linkText = link.toString();
        String text = lead + ".\n\n" + SummaryRenderer.text(summary)
                + "\nOpen the review page to approve or deny (opening it decides nothing):\n"
                + linkText + "\n\n"
                + "The link works once and expires at " + SummaryRenderer.when(expiresAt) + ".\n"
                + "It was sent to you alone: do not forward this email.\n";
        String html = document(subject, "<p style=\"margin:0 0 12px\"><strong>" + Html.escape(lead)
                + ".</strong></p>\n" + SummaryRenderer.html(summary)
                + "<p style=\"margin:16px 0\"><a href=\"" + Html.escape(linkText)
                + "\" style=\"display:inline-block;padding:8px 16px;background:#1f5fbf;color:#ffffff;"
                + "text-decoration:none;border-radius:4px\">Open the review page</a></p>\n"
                + "<p style=\"margin:0;color:#555555;font-size:13px\">Opening the page decides nothing: approve or"
                + " deny there. The link works once and expires at " + Html.escape(SummaryRenderer.when(expiresAt))
                + ". It was sent to you alone: do not forward this email.</p>\n");
        return new MailContent(subject, text, html);
    }

    /** The outcome of a request the reader was asked to review. Email cannot be edited, so this is a new message. */
    static MailContent outcome(String subjectPrefix, RequestSummary summary) {
        String lead = "Decided: " + summary.outcome();
        String subject = subject(subjectPrefix, "Decided (" + summary.outcome() + "): " + summary.title());
        String text = lead + ".\n\n" + SummaryRenderer.text(summary)
                + "\nNothing more is needed from you for this request.\n";
        String html = document(subject, "<p style=\"margin:0 0 12px\"><strong>" + Html.escape(lead)
                + ".</strong></p>\n" + SummaryRenderer.html(summary)
                + "<p style=\"margin:16px 0 0;color:#555555;font-size:13px\">Nothing more is needed from you for this"
                + " request.</p>\n");
        return new MailContent(subject, text, html);
    }

    private static String subject(String prefix, String text) {
        String subject = SummaryRenderer.oneLine((prefix.isEmpty() ? "" : prefix + " ") + text).strip();
        return subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT - 1) + "…";
    }

    private static String document(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.escape(title)
                + "</title></head>\n<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1a1a1a\">\n"
                + body + "</body></html>\n";
    }
}
