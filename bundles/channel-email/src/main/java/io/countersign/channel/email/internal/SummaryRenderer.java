package io.countersign.channel.email.internal;

import io.countersign.camel.RequestSummary;
import io.countersign.http.Html;
import java.time.Instant;

/**
 * A request's summary as an HTML fragment (every value escaped) and as plain text, shared by the emails and the
 * review page.
 */
final class SummaryRenderer {

    private static final String LABEL = "padding:4px 12px 4px 0;vertical-align:top;text-align:left";
    /** A digest or a JSON value has no place to break: without this the page and the email outgrow a phone. */
    private static final String VALUE = LABEL + ";overflow-wrap:anywhere";

    private SummaryRenderer() {
    }

    static String when(Instant instant) {
        return RequestSummary.when(instant);
    }

    static String html(RequestSummary summary) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<h2 style=\"font-size:18px;margin:0 0 12px\">").append(Html.escape(summary.title()))
                .append("</h2>\n<table style=\"border-collapse:collapse;margin-bottom:12px\">\n");
        for (RequestSummary.Field field : summary.fields()) {
            html.append("<tr><th style=\"").append(LABEL).append("\">").append(Html.escape(field.label()))
                    .append("</th><td style=\"").append(VALUE).append("\">");
            if (field.value() != null && field.value().indexOf('\n') >= 0) {
                html.append("<pre style=\"margin:0;white-space:pre-wrap;font-family:monospace\">")
                        .append(Html.escape(field.value())).append("</pre>");
            } else {
                html.append(Html.escape(field.value()));
            }
            html.append("</td></tr>\n");
        }
        row(html, "Needs", summary.quorum().isEmpty() ? "no review" : summary.quorum());
        row(html, "Deadline", when(summary.deadline()));
        if (summary.outcome() != null) {
            row(html, "Outcome", summary.outcome());
        }
        html.append("</table>\n");
        list(html, "Why review is needed", summary.reasons(), "No reasons given.");
        list(html, "Votes so far", summary.votes(), "No votes yet.");
        if (summary.isPending() && !summary.approvesOnChannel()) {
            html.append("<p style=\"margin:12px 0 0\"><strong>Approving needs your passkey.</strong> ")
                    .append(summary.consolePage() == null
                            ? "Approve in the Countersign console (not set up here); this email can only deny."
                            : "Approve in the console; this email can only deny.").append("</p>\n");
        }
        if (summary.consolePage() != null) {
            html.append("<p style=\"margin:12px 0 0\"><a href=\"").append(Html.escape(summary.consolePage().toString()))
                    .append("\">Open in the console</a> · <a href=\"")
                    .append(Html.escape(summary.changeRecord().toString())).append("\">Change record</a></p>\n");
        }
        return html.toString();
    }

    static String text(RequestSummary summary) {
        StringBuilder text = new StringBuilder(1024);
        text.append(oneLine(summary.title())).append("\n\n");
        for (RequestSummary.Field field : summary.fields()) {
            text.append(field.label()).append(": ").append(indented(field.value())).append('\n');
        }
        text.append("Needs: ").append(summary.quorum().isEmpty() ? "no review" : oneLine(summary.quorum()))
                .append('\n');
        text.append("Deadline: ").append(when(summary.deadline())).append('\n');
        if (summary.outcome() != null) {
            text.append("Outcome: ").append(summary.outcome()).append('\n');
        }
        text.append("\nWhy review is needed:\n");
        bullets(text, summary.reasons(), "No reasons given.");
        text.append("\nVotes so far:\n");
        bullets(text, summary.votes(), "No votes yet.");
        if (summary.isPending() && !summary.approvesOnChannel()) {
            text.append("\nApproving needs your passkey: approve in the ")
                    .append(summary.consolePage() == null ? "Countersign console (not set up here)"
                            : "console").append("; this email can only deny.\n");
        }
        if (summary.consolePage() != null) {
            text.append("\nOpen in the console: ").append(summary.consolePage()).append('\n')
                    .append("Change record: ").append(summary.changeRecord()).append('\n');
        }
        return text.toString();
    }

    private static void row(StringBuilder html, String label, String value) {
        html.append("<tr><th style=\"").append(LABEL).append("\">").append(Html.escape(label))
                .append("</th><td style=\"").append(VALUE).append("\">").append(Html.escape(value))
                .append("</td></tr>\n");
    }

    private static void list(StringBuilder html, String heading, java.util.List<String> items, String none) {
        html.append("<h3 style=\"font-size:15px;margin:12px 0 4px\">").append(Html.escape(heading)).append("</h3>\n");
        if (items.isEmpty()) {
            html.append("<p style=\"margin:0\">").append(Html.escape(none)).append("</p>\n");
            return;
        }
        html.append("<ul style=\"margin:0\">\n");
        for (String item : items) {
            html.append("<li>").append(Html.escape(item)).append("</li>\n");
        }
        html.append("</ul>\n");
    }

    private static void bullets(StringBuilder text, java.util.List<String> items, String none) {
        if (items.isEmpty()) {
            text.append("  ").append(none).append('\n');
        }
        for (String item : items) {
            text.append("  - ").append(indented(item)).append('\n');
        }
    }

    /**
     * Continuation lines of a value are indented, so a value with line breaks cannot pass for a label or a link line
     * of the message itself.
     */
    private static String indented(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\n    | ");
    }

    static String oneLine(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return out.toString();
    }
}
