package io.countersign.verify.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html}: the figures, charts (inline SVG, no script), the control mapping, the exceptions and the sample,
 * rendered only from {@code figures.json}, the exceptions and the sample, so the same inputs give the same bytes and
 * a checker can render it again and compare. Every cell holding a figure names it in {@code data-figure}.
 */
final class ReportHtml {

    static final int MAX_EXCEPTION_ROWS = 200;
    private static final Map<String, String> STATUS_COLOURS = Map.of("allowed", "#4e79a7", "approved", "#59a14f",
            "denied", "#e15759", "expired", "#f28e2b", "open", "#9c9c9c");

    private ReportHtml() {
    }

    /** @param recorded the requests whose change record is a member of the report, linked where they are named */
    static String render(JsonNode figures, Framework framework, List<Period.Exception> exceptions, JsonNode sample,
                         java.util.Set<String> recorded) {
        StringBuilder html = new StringBuilder(64 * 1024);
        String title = "Countersign approvals report: " + framework.shortName() + ", "
                + figures.path("period").path("from").asText() + " to " + figures.path("period").path("to").asText();
        html.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/><title>").append(escape(title))
                .append("</title>\n<style>").append(STYLE).append("</style></head>\n<body>\n<main>\n");
        html.append("<h1>").append(escape(title)).append("</h1>\n");
        html.append("<p>Log <code>").append(escape(figures.path("log").path("origin").asText()))
                .append("</code>, closing checkpoint of size <span data-figure=\"log.checkpointSize\">")
                .append(figures.path("log").path("checkpointSize").asLong()).append("</span>, root <code>")
                .append(escape(figures.path("log").path("checkpointRoot").asText())).append("</code>. Framework: ")
                .append(escape(framework.title())).append(".</p>\n");
        html.append("<p>Every figure here is computed from the verified entries of <code>evidence.zip</code>; "
                + "<code>java -jar countersign-verify.jar THIS.zip</code> verifies the bundle, computes the figures, "
                + "the population, the exceptions, the sample and this page again, and fails on any difference.</p>\n");

        html.append("<h2>Summary</h2>\n<table>\n");
        summaryRow(html, figures, "Requests received", "requests.total");
        for (String status : Figures.STATUSES) {
            summaryRow(html, figures, "… " + status + " at the end of the period", "requests.byStatus." + status);
        }
        summaryRow(html, figures, "Allowed by the policy", "requests.byPolicyOutcome.allow");
        summaryRow(html, figures, "Sent to review by the policy", "requests.byPolicyOutcome.review");
        summaryRow(html, figures, "Denied by the policy", "requests.byPolicyOutcome.deny");
        summaryRow(html, figures, "Median time to decision (s)", "timeToDecision.medianSeconds");
        summaryRow(html, figures, "90th percentile time to decision (s)", "timeToDecision.p90Seconds");
        summaryRow(html, figures, "Grants issued", "events.grants.issued");
        summaryRow(html, figures, "Grants used", "events.grants.consumed");
        summaryRow(html, figures, "Executions reported failed", "events.executions.failure");
        summaryRow(html, figures, "Break-glass invoked", "events.breakGlass.invoked");
        summaryRow(html, figures, "Standing approvals used", "events.standing.used");
        summaryRow(html, figures, "Policy activations", "events.policy.activations");
        html.append("</table>\n");

        html.append("<h2>Requests and outcomes per day</h2>\n").append(perDayChart(figures.path("perDay")));
        html.append("<h2>Time to decision</h2>\n").append(bars(figures.path("timeToDecision").path("buckets"),
                "timeToDecision.buckets", "#4e79a7"));
        html.append("<h2>Votes per reviewer</h2>\n").append(votes(figures.path("perReviewer"), "perReviewer"));
        html.append("<h2>Votes per group</h2>\n").append(votes(figures.path("perGroup"), "perGroup"));
        html.append("<h2>Break-glass and standing approvals</h2>\n");
        html.append(barsOf(List.of("events.breakGlass.invoked", "events.breakGlass.allowed",
                "exceptions.break-glass-unreviewed", "events.standing.granted", "events.standing.used",
                "events.standing.exhausted", "events.standing.revoked"), figures));
        html.append("<div class=\"chart\"><h2>Policy changes</h2>\n").append(timeline(figures)).append("</div>\n");

        html.append("<h2>Control mapping</h2>\n<table class=\"controls\">\n<tr><th>Control</th><th>How Countersign "
                + "supports it</th><th>This period</th></tr>\n");
        for (Framework.Control control : framework.controls()) {
            html.append("<tr><td><strong>").append(escape(control.id())).append("</strong><br/>")
                    .append(escape(control.title())).append("</td><td>").append(escape(control.support()))
                    .append("</td><td>");
            for (String figure : control.figures()) {
                html.append(escape(label(figure))).append(": <span data-figure=\"").append(escape(figure)).append("\">")
                        .append(figure(figures, figure)).append("</span><br/>");
            }
            html.append("</td></tr>\n");
        }
        html.append("</table>\n");

        html.append("<h2>Exceptions</h2>\n");
        if (exceptions.isEmpty()) {
            html.append("<p>None in the period.</p>\n");
        } else {
            html.append("<p><span data-figure=\"exceptions.count\">").append(exceptions.size())
                    .append("</span> in the period").append(exceptions.size() > MAX_EXCEPTION_ROWS
                            ? "; the first " + MAX_EXCEPTION_ROWS + " are listed, all are in exceptions.csv" : "")
                    .append(".</p>\n<table class=\"exceptions\">\n<tr><th style=\"width:18%\">Kind</th><th style=\"width:20%\">At"
                            + "</th><th style=\"width:22%\">Request</th><th>Detail</th></tr>\n");
            for (Period.Exception exception : exceptions.subList(0, Math.min(MAX_EXCEPTION_ROWS, exceptions.size()))) {
                html.append("<tr><td>").append(escape(exception.kind())).append("</td><td>")
                        .append(escape(exception.at().toString())).append("</td><td>")
                        .append(requestLink(exception.request() == null ? "" : exception.request(), recorded))
                        .append("</td><td>").append(escape(exception.detail())).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }

        html.append("<h2>Sample</h2>\n<p>").append(sample.path("size").asLong()).append(" of ")
                .append(sample.path("population").asLong()).append(" requests, seed <code>")
                .append(escape(sample.path("seed").asText())).append("</code> (").append(escape(sample.path("method")
                        .asText())).append("). The full population is in population.csv.</p>\n<ol>\n");
        for (JsonNode request : sample.path("requests")) {
            html.append("<li>").append(requestLink(request.asText(), recorded)).append("</li>\n");
        }
        html.append("</ol>\n</main>\n</body></html>\n");
        return html.toString();
    }

    /** The request id, linked to its change record (records/ID.html) when the report holds one. */
    private static String requestLink(String request, java.util.Set<String> recorded) {
        String code = "<code>" + escape(request) + "</code>";
        return recorded.contains(request) ? "<a href=\"" + escape(Records.member(request, "html")) + "\">" + code
                + "</a>" : code;
    }

    /** A figure's name as a reader says it: "events.grants.refused.action-mismatch" is "grants refused: action mismatch". */
    static String label(String figure) {
        String name = figure.replaceFirst("^(events|requests)\\.", "");
        int last = name.lastIndexOf('.');
        String head = last < 0 ? "" : name.substring(0, last).replace('.', ' ');
        String tail = name.substring(last + 1).replace('-', ' ');
        String spaced = (head.isEmpty() ? tail : head + ": " + tail)
                .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return spaced;
    }

    private static void summaryRow(StringBuilder html, JsonNode figures, String label, String figure) {
        html.append("<tr><th>").append(escape(label)).append("</th><td data-figure=\"").append(escape(figure))
                .append("\">").append(figure(figures, figure)).append("</td></tr>\n");
    }

    /**
     * The figure at a dotted path; a path segment may itself hold dots (the event counters are named like
     * {@code grants.refused.action-mismatch}), so the longest key present wins. Absent counters are 0.
     */
    static long figure(JsonNode figures, String path) {
        JsonNode node = figures;
        String rest = path;
        while (!rest.isEmpty()) {
            if (node.has(rest)) {
                node = node.get(rest);
                break;
            }
            int dot = rest.indexOf('.');
            String head = dot < 0 ? rest : rest.substring(0, dot);
            node = node.path(head);
            rest = dot < 0 ? "" : rest.substring(dot + 1);
            if (node.isMissingNode()) {
                return 0;
            }
        }
        return node.asLong(0);
    }

    /**
     * Charts are plain HTML and CSS (tables and sized blocks), not SVG: the PDF renderer draws them as they are, with
     * no SVG engine in the verifier.
     */
    private static String perDayChart(JsonNode perDay) {
        int days = perDay.size();
        if (days == 0) {
            return "<p>No days.</p>\n";
        }
        long max = 1;
        for (JsonNode day : perDay) {
            long total = 0;
            for (String status : Figures.STATUSES) {
                total += day.path(status).asLong();
            }
            max = Math.max(max, total);
        }
        StringBuilder html = new StringBuilder("<table class=\"days\" aria-label=\"Requests per day, by status at "
                + "the end of the period (tallest: " + max + ")\">\n<tr>");
        List<String> names = new ArrayList<>();
        perDay.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode day = perDay.path(name);
            html.append("<td class=\"day\">");
            List<String> stacked = new ArrayList<>(Figures.STATUSES);
            java.util.Collections.reverse(stacked);
            for (String status : stacked) {
                long count = day.path(status).asLong();
                if (count > 0) {
                    html.append(String.format(java.util.Locale.ROOT,
                            "<div style=\"height:%.1fpx;background:%s\" title=\"%s %s: %d\"></div>",
                            Math.max(1.0, count * 180.0 / max), STATUS_COLOURS.get(status), escape(name), status,
                            count));
                }
            }
            html.append("</td>");
        }
        html.append("</tr>\n<tr>");
        for (int i = 0; i < names.size(); i++) {
            html.append("<td class=\"daylabel\">").append(days <= 31 || i % 7 == 0 ? escape(names.get(i)
                    .substring(8)) : "").append("</td>");
        }
        html.append("</tr>\n</table>\n<p class=\"legend\">");
        for (String status : Figures.STATUSES) {
            html.append("<span class=\"swatch\" style=\"background:").append(STATUS_COLOURS.get(status))
                    .append("\"></span> ").append(status).append(" ");
        }
        return html.append("(day of the month, UTC; tallest day ").append(max).append(" requests)</p>\n")
                .toString();
    }

    private static String bars(JsonNode counts, String prefix, String colour) {
        List<String> names = new ArrayList<>();
        counts.fieldNames().forEachRemaining(names::add);
        List<Long> values = names.stream().map(name -> counts.path(name).asLong()).toList();
        return horizontalBars(names, names.stream().map(name -> prefix + "." + name).toList(), values, colour);
    }

    private static String barsOf(List<String> figureNames, JsonNode figures) {
        return horizontalBars(figureNames.stream().map(ReportHtml::label).toList(), figureNames,
                figureNames.stream().map(name -> figure(figures, name)).toList(), "#76b7b2");
    }

    private static String horizontalBars(List<String> labels, List<String> figureNames, List<Long> values,
                                         String colour) {
        if (labels.isEmpty()) {
            return "<p>None in the period.</p>\n";
        }
        long max = Math.max(1, values.stream().mapToLong(Long::longValue).max().orElse(1));
        StringBuilder html = new StringBuilder("<table class=\"bars\">\n");
        for (int i = 0; i < labels.size(); i++) {
            html.append(String.format(java.util.Locale.ROOT,
                    "<tr><td class=\"label\">%s</td><td class=\"track\"><div style=\"width:%.1f%%;background:%s\">"
                            + "</div></td><td data-figure=\"%s\">%d</td></tr>\n", escape(labels.get(i)),
                    values.get(i) * 100.0 / max, colour, escape(figureNames.get(i)), values.get(i)));
        }
        return html.append("</table>\n").toString();
    }

    private static String votes(JsonNode perName, String prefix) {
        List<String> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        perName.fields().forEachRemaining(each -> {
            for (String verdict : List.of("approve", "deny")) {
                labels.add(each.getKey() + " " + verdict);
                names.add(prefix + "." + each.getKey() + "." + verdict);
                values.add(each.getValue().path(verdict).asLong());
            }
        });
        return horizontalBars(labels, names, values, "#59a14f");
    }

    private static String timeline(JsonNode figures) {
        JsonNode activations = figures.path("policy").path("activations");
        if (activations.isEmpty()) {
            return "<p>No policy was activated in the period.</p>\n";
        }
        java.time.Instant from = java.time.Instant.parse(figures.path("period").path("from").asText());
        java.time.Instant to = java.time.Instant.parse(figures.path("period").path("to").asText());
        double span = Math.max(1, java.time.Duration.between(from, to).toSeconds());
        StringBuilder line = new StringBuilder("<div class=\"timeline\">");
        StringBuilder list = new StringBuilder("<ul>\n");
        for (JsonNode activation : activations) {
            java.time.Instant at = java.time.Instant.parse(activation.path("at").asText());
            double left = 100 * java.time.Duration.between(from, at).toSeconds() / span;
            line.append(String.format(java.util.Locale.ROOT,
                    "<div class=\"marker\" style=\"left:%.1f%%\" title=\"%s\"></div>", Math.min(99.0, left),
                    escape(activation.path("at").asText())));
            List<String> approvers = new ArrayList<>();
            activation.path("approvers").forEach(approver -> approvers.add(approver.asText()));
            list.append("<li>").append(escape(activation.path("at").asText())).append(": <code>")
                    .append(escape(activation.path("version").asText())).append("</code>")
                    .append(activation.path("bootstrap").asBoolean() ? " (bootstrap)"
                            : " approved by " + escape(String.join(", ", approvers))).append("</li>\n");
        }
        line.append("</div>\n<p class=\"legend\">").append(escape(from.toString())).append(" to ")
                .append(escape(to.toString())).append("</p>\n");
        return line + list.append("</ul>\n").toString();
    }

    /** Escapes markup; characters XML 1.0 forbids become U+FFFD, so the page is also well-formed XHTML for the PDF. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF
                    || (Character.isSurrogate(c) && !validPair(text, i))) {
                out.append('\uFFFD');
                continue;
            }
            if (Character.isHighSurrogate(c)) {
                out.append(c).append(text.charAt(++i));
                continue;
            }
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean validPair(String text, int i) {
        return Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
    }

    private static final String STYLE = "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;font-size:12px;"
            + "color:#1a1a1a;"
            + "max-width:900px;margin:24px auto;padding:0 16px}table{border-collapse:collapse;margin:8px 0}"
            + "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere;"
            + "word-wrap:break-word}"
            + "code{font-family:'DejaVu Sans Mono',monospace;font-size:11px;overflow-wrap:anywhere}"
            + "h2{margin-top:24px;page-break-after:avoid}"
            + "table.days,table.bars{border:none}table.days td,table.bars td{border:none;padding:0 1px}"
            + "td.day{height:182px;vertical-align:bottom;width:20px}td.daylabel{font-size:8px;text-align:center}"
            + "td.label{width:220px;padding-right:8px;font-size:11px}td.track{width:380px}"
            + "td.track div{height:11px}"
            + ".legend{font-size:10px}.swatch{display:inline-block;width:9px;height:9px}"
            + ".timeline{position:relative;height:16px;border-bottom:2px solid #555;margin:8px 0}"
            + ".marker{position:absolute;top:4px;width:10px;height:10px;background:#e15759}"
            + "table.controls td:first-child{width:160px}table.controls td:last-child{width:230px}"
            + "table.exceptions{width:100%;table-layout:fixed}table.exceptions td{font-size:10px}"
            + ".chart{page-break-inside:avoid}";
}
