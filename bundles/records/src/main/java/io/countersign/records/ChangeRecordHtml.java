package io.countersign.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A change record as a page: one section per question (who asked, why, which policy, who approved, when it ran,
 * what happened), each fact in a table row that ends with the journal seq and entry hash it comes from. Well-formed
 * XHTML, headings and table headers for screen readers, no script and nothing loaded from elsewhere.
 */
final class ChangeRecordHtml {

    private static final String STYLE = "body{font-family:'DejaVu Sans',sans-serif;font-size:11pt;color:#1a1a1a;"
            + "margin:2em auto;max-width:60em;padding:0 1em;line-height:1.4}h1{font-size:1.5em}h2{font-size:1.15em;"
            + "margin-top:1.6em;border-bottom:1px solid #888}table{border-collapse:collapse;width:100%;margin:.4em 0}"
            + "th,td{border:1px solid #888;padding:.3em .5em;text-align:left;vertical-align:top}"
            + "th{background:#eef0f3}td.source,th.source{font-size:.85em;width:16em;word-break:break-all}"
            + "code{font-family:'DejaVu Sans Mono',monospace;font-size:.9em;word-break:break-all}"
            + "p.none{font-style:italic}";

    private ChangeRecordHtml() {
    }

    static String render(JsonNode record) {
        String request = record.path("request").asText();
        StringBuilder html = new StringBuilder(8 * 1024);
        html.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head>"
                + "<meta charset=\"utf-8\"/><title>Change record of ").append(escape(request))
                .append("</title>\n<style>").append(STYLE).append("</style></head>\n<body>\n<main>\n");
        html.append("<h1>Change record of <code>").append(escape(request)).append("</code></h1>\n");
        html.append("<p>Every fact below names the journal entry it comes from (its seq and its entry hash), so it "
                + "can be checked against the verified evidence.</p>\n");
        if (!record.has("asked")) {
            html.append("<p>The request was received before the entries this record was made from: what it asked "
                    + "is not shown.</p>\n");
        }

        section(html, "Who asked", List.of(record.path("asked")), asked -> List.<String[]>of(
                row("Agent", asked.path("agent").asText()),
                row("Acting for", join(asked.path("onBehalfOf"))),
                row("Action", asked.path("action").asText()),
                row("Resource", asked.path("resource").asText()),
                row("Environment", asked.path("environment").asText()),
                row("Action digest", asked.path("digest").asText()),
                row("Received at", asked.path("receivedAt").asText())));
        section(html, "Why", List.of(record.path("why")), why -> List.<String[]>of(
                row("Justification", why.path("justification").asText())));
        if (record.has("breakGlass")) {
            section(html, "Break-glass", List.of(record.path("breakGlass")), breakGlass -> List.<String[]>of(
                    row("Reason given", breakGlass.path("reason").asText())));
        }
        section(html, "Which policy", List.of(record.path("policy")), policy -> List.<String[]>of(
                row("Policy version", policy.path("version").asText()),
                row("Outcome", policy.path("outcome").asText() + " (" + policy.path("status").asText() + ")"
                        + (policy.path("breakGlass").asBoolean() ? ", by break-glass" : "")),
                row("Rules fired", join(policy.path("rules"))),
                row("Reasons", join(policy.path("reasons")))));

        html.append("<h2>Who approved</h2>\n");
        boolean anyVote = false;
        if (record.has("standingApproval")) {
            JsonNode standing = record.path("standingApproval");
            table(html, "Standing approval", List.<String[]>of(row("Standing approval", standing.path("standing").asText()),
                    row("Approver", standing.path("approver").asText()),
                    row("Use", standing.path("use").asLong() + " of " + standing.path("maxUses").asLong())), standing);
            anyVote = true;
        }
        for (JsonNode vote : record.path("votes")) {
            List<String[]> rows = new java.util.ArrayList<>(List.<String[]>of(
                    row("Reviewer", vote.path("reviewer").asText()),
                    row("Verdict", vote.path("verdict").asText()),
                    row("Groups", join(vote.path("groups"))),
                    row("Channel", vote.path("channel").asText()),
                    row("At", vote.path("at").asText()),
                    row("Comment", vote.path("comment").asText())));
            if (vote.has("passkey")) {
                rows.add(row("Confirmed with passkey", vote.path("passkey").asText()));
            }
            table(html, "Vote of " + vote.path("reviewer").asText(), rows, vote);
            anyVote = true;
        }
        for (JsonNode refusal : record.path("refusedVotes")) {
            table(html, "Vote refused: " + refusal.path("reviewer").asText(), List.<String[]>of(
                    row("Reviewer", refusal.path("reviewer").asText()),
                    row("Verdict asked", refusal.path("verdict").asText()),
                    row("Refused because", refusal.path("reason").asText()),
                    row("Detail", refusal.path("detail").asText()),
                    row("Channel", refusal.path("channel").asText())), refusal);
            anyVote = true;
        }
        for (JsonNode escalation : record.path("escalations")) {
            table(html, "Escalation, level " + escalation.path("level").asLong(), List.<String[]>of(
                    row("Group added", escalation.path("group").asText())), escalation);
        }
        if (record.has("closed")) {
            JsonNode closed = record.path("closed");
            table(html, "Decision", List.<String[]>of(row("Status", closed.path("status").asText()),
                    row("Cause", closed.path("cause").asText())), closed);
        } else if (!anyVote) {
            html.append("<p class=\"none\">No review: the policy decided alone.</p>\n");
        }

        html.append("<h2>When it ran</h2>\n");
        if (record.has("grant")) {
            JsonNode grant = record.path("grant");
            table(html, "Grant issued", List.<String[]>of(row("Grant", grant.path("grant").asText()),
                    row("Issued at", grant.path("issuedAt").asText()),
                    row("Expires at", grant.path("expiresAt").asText()),
                    row("Approvers", join(grant.path("approvers")))), grant);
        } else {
            html.append("<p class=\"none\">No grant was issued.</p>\n");
        }
        if (record.has("grantUsed")) {
            JsonNode used = record.path("grantUsed");
            table(html, "Grant used", List.<String[]>of(row("Used by", used.path("by").asText()),
                    row("At", used.path("time").asText())), used);
        }
        for (JsonNode refusal : record.path("grantRefusals")) {
            table(html, "Grant refused", List.<String[]>of(row("Reason", refusal.path("reason").asText()),
                    row("Detail", refusal.path("detail").asText()), row("Presented by", refusal.path("by").asText())),
                    refusal);
        }

        html.append("<h2>What happened</h2>\n");
        if (record.has("execution")) {
            JsonNode execution = record.path("execution");
            List<String[]> rows = new ArrayList<>(List.<String[]>of(row("Outcome", execution.path("outcome").asText()),
                    row("Reported by", execution.path("by").asText()),
                    row("Detail", execution.path("detail").asText())));
            if (execution.has("affected")) {
                rows.add(row("Affected", Long.toString(execution.path("affected").asLong())));
            }
            if (execution.has("resultDigest")) {
                rows.add(row("Result digest", execution.path("resultDigest").asText()));
            }
            table(html, "Execution report", rows, execution);
        } else {
            html.append("<p class=\"none\">No execution was reported.</p>\n");
        }
        html.append("</main>\n</body></html>\n");
        return html.toString();
    }

    private interface Rows {
        List<String[]> of(JsonNode fact);
    }

    private static void section(StringBuilder html, String title, List<JsonNode> facts, Rows rows) {
        html.append("<h2>").append(escape(title)).append("</h2>\n");
        for (JsonNode fact : facts) {
            if (fact.isMissingNode()) {
                html.append("<p class=\"none\">Not in the journal entries of this record.</p>\n");
                continue;
            }
            table(html, title, rows.of(fact), fact);
        }
    }

    private static void table(StringBuilder html, String caption, List<String[]> rows, JsonNode fact) {
        html.append("<table>\n<caption>").append(escape(caption)).append("</caption>\n");
        html.append("<tr><th scope=\"col\">Fact</th><th scope=\"col\">Value</th><th scope=\"col\" class=\"source\">"
                + "Journal entry</th></tr>\n");
        String source = "seq " + fact.path("source").path("seq").asLong() + ", " + fact.path("time").asText()
                + ", " + fact.path("source").path("hash").asText();
        for (int i = 0; i < rows.size(); i++) {
            html.append("<tr><th scope=\"row\">").append(escape(rows.get(i)[0])).append("</th><td>")
                    .append(escape(rows.get(i)[1])).append("</td>");
            if (i == 0) {
                html.append("<td class=\"source\" rowspan=\"").append(rows.size()).append("\"><code>")
                        .append(escape(source)).append("</code></td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static String[] row(String name, String value) {
        return new String[] {name, value};
    }

    private static String join(JsonNode texts) {
        List<String> all = new ArrayList<>();
        texts.forEach(text -> all.add(text.asText()));
        return all.isEmpty() ? "(none)" : String.join(", ", all);
    }

    /** Text as XHTML character data; characters XML does not allow become U+FFFD. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF) {
                out.append('\uFFFD');
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
                continue;
            }
            if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
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
}
