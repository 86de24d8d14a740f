package io.countersign.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.api.Checkpoint;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Vote;
import io.countersign.camel.RequestSummary;
import io.countersign.http.Html;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;

/** The auditor's pages: the request search with its export form, and the ledger's status. */
final class AuditorPages {

    private AuditorPages() {
    }

    /**
     * The search form and, unless the search was invalid, one page of results.
     *
     * @param page the results, or {@code null} with {@code error} saying what is wrong with the search
     */
    static String search(Pages.Viewer viewer, String csrf, SearchForm form, RequestSearch.Page page, String error) {
        StringBuilder body = new StringBuilder(16384);
        body.append("<h1>Search requests</h1>\n");
        if (error != null) {
            body.append("<p class=\"notice error\" role=\"alert\">").append(Html.escape(error)).append("</p>\n");
        }
        body.append("<form method=\"get\" action=\"/console/audit/requests\" class=\"search\">\n")
                .append("<div class=\"fields\">\n");
        input(body, form, "agent", "Agent", "text");
        input(body, form, "human", "Human the agent acts for", "text");
        input(body, form, "action", "Action", "text");
        input(body, form, "environment", "Environment", "text");
        outcome(body, form.values().get("outcome"));
        input(body, form, "reviewer", "Reviewer", "text");
        input(body, form, "from", "Received from (UTC)", "datetime-local");
        input(body, form, "to", "Received until (UTC)", "datetime-local");
        body.append("</div>\n<p class=\"hint\">Without times, the last ").append(SearchForm.DEFAULT_WINDOW.toDays())
                .append(" days are searched. Names match exactly.</p>\n")
                .append("<button type=\"submit\">Search</button>\n</form>\n");
        if (page != null) {
            results(body, form, page, csrf);
        }
        return Pages.document("Search requests", viewer, csrf, body.toString(), false);
    }

    private static void results(StringBuilder body, SearchForm form, RequestSearch.Page page, String csrf) {
        body.append("<h2>Results</h2>\n<p>Received from ").append(Html.escape(RequestSummary.when(form.query().from())))
                .append(" to ").append(Html.escape(RequestSummary.when(form.query().to())))
                .append(", the newest first").append(form.query().before() != null ? ", continued" : "")
                .append(".</p>\n");
        if (page.requests().isEmpty()) {
            body.append("<p class=\"empty\">No request").append(page.next() != null ? " in this part of the window"
                    : "").append(" matches.</p>\n");
        } else {
            body.append("<div class=\"scroll\" role=\"region\" aria-label=\"Results\" tabindex=\"0\">\n")
                    .append("<table class=\"results\">\n<caption>").append(page.requests().size())
                    .append(page.requests().size() == 1 ? " request" : " requests").append(" on this page</caption>\n")
                    .append("<thead><tr><th scope=\"col\">Received</th><th scope=\"col\">Request</th>")
                    .append("<th scope=\"col\">Agent</th><th scope=\"col\">For</th><th scope=\"col\">Environment</th>")
                    .append("<th scope=\"col\">Outcome</th><th scope=\"col\">Reviewers</th></tr></thead>\n<tbody>\n");
            for (RequestView view : page.requests()) {
                row(body, view);
            }
            body.append("</tbody>\n</table>\n</div>\n");
        }
        if (page.next() != null) {
            if (page.stoppedShort()) {
                body.append("<p>The search read ").append(page.scanned()).append(" journal entries and stopped before "
                        + "the start of the window.</p>\n");
            }
            body.append("<p><a href=\"/console/audit/requests?").append(Html.escape(query(form, page.next())))
                    .append("\">Older requests</a></p>\n");
        }
        body.append("<h2>Evidence</h2>\n<form method=\"post\" action=\"/console/audit/evidence\">\n")
                .append(Pages.hidden("csrf", csrf));
        for (Map.Entry<String, String> field : form.values().entrySet()) {
            if (!field.getKey().equals("before")) {
                body.append(Pages.hidden(field.getKey(), field.getValue()));
            }
        }
        // the window as this page resolved it: a default window would otherwise move on by the time of the export
        if (!form.values().containsKey("from")) {
            body.append(Pages.hidden("from", form.query().from().toString()));
        }
        if (!form.values().containsKey("to")) {
            body.append(Pages.hidden("to", form.query().to().toString()));
        }
        body.append("<p>One ZIP with the evidence bundle of every request this search finds (all pages, at most ")
                .append(AuditorViews.MAX_EXPORT).append("), each verifiable with countersign-verify.</p>\n")
                .append("<button type=\"submit\">Download the evidence of this search</button>\n</form>\n");
    }

    private static void row(StringBuilder body, RequestView view) {
        String reviewers = view.votes().stream().map(AuditorPages::vote).collect(Collectors.joining(", "));
        body.append("<tr><td>").append(Html.escape(RequestSummary.when(view.request().receivedAt())))
                .append("</td><td><a href=\"/console/requests/").append(Html.escape(view.id())).append("\">")
                .append(Html.escape(view.request().action().action())).append(" on ")
                .append(Html.escape(view.request().action().resource())).append("</a></td><td>")
                .append(Html.escape(view.request().action().requester())).append("</td><td>")
                .append(Html.escape(String.join(", ", view.request().action().onBehalfOf()))).append("</td><td>")
                .append(Html.escape(view.request().action().environment())).append("</td><td>")
                .append(Html.escape(view.status().wireName())).append("</td><td>")
                .append(Html.escape(reviewers.isEmpty() ? "none" : reviewers)).append("</td></tr>\n");
    }

    private static String vote(Vote vote) {
        return vote.reviewer() + (vote.verdict().wireName().equals("approve") ? " (approved)" : " (denied)");
    }

    /** The ledger's newest signed checkpoint and how far the journal has grown past it. */
    static String ledger(Pages.Viewer viewer, String csrf, Checkpoint latest, long journalSize, JsonNode anchoring) {
        StringBuilder body = new StringBuilder(4096);
        body.append("<h1>Ledger</h1>\n<h2>Newest checkpoint</h2>\n");
        if (latest == null) {
            body.append("<p class=\"empty\">No checkpoint has been signed yet.</p>\n");
        } else {
            body.append("<table class=\"facts\">\n");
            fact(body, "Origin", latest.origin());
            fact(body, "Size", latest.size() + (latest.size() == 1 ? " entry" : " entries"));
            fact(body, "Root (SHA-256)", HexFormat.of().formatHex(latest.root()));
            fact(body, "Signed at", RequestSummary.when(latest.time()));
            fact(body, "Key id", latest.keyId());
            body.append("</table>\n<h3>Signed note</h3>\n<pre class=\"note\">").append(Html.escape(latest.note()))
                    .append("</pre>\n");
        }
        long unsigned = journalSize - (latest == null ? 0 : latest.size());
        body.append("<h2>Journal</h2>\n<p>").append(journalSize).append(journalSize == 1 ? " entry" : " entries")
                .append(" durable; ").append(Math.max(0, unsigned)).append(unsigned == 1 ? " is" : " are")
                .append(" not in a checkpoint yet (the next checkpoint, or any evidence export, covers them).</p>\n");
        anchoring(body, anchoring);
        return Pages.document("Ledger", viewer, csrf, body.toString(), false);
    }

    /** What {@code GET /v1/ledger/anchors} serves, in words; or that anchoring is not configured. */
    private static void anchoring(StringBuilder body, JsonNode status) {
        body.append("<h2>Anchoring on Hyperledger Fabric</h2>\n");
        if (status == null) {
            body.append("<p>Anchoring is not configured: the journal's checkpoints are signed here and not anchored"
                    + " on an external ledger.</p>\n");
            return;
        }
        body.append("<table class=\"facts\">\n");
        fact(body, "State", text(status, "state"));
        fact(body, "Entries anchored", text(status, "anchoredSize"));
        fact(body, "Journal entries", text(status, "journalSize"));
        fact(body, "Not anchored yet", text(status, "backlog"));
        fact(body, "Last anchored at", text(status, "lastAnchoredAt"));
        fact(body, "Last transaction", text(status, "lastTxId"));
        fact(body, "Last block", text(status, "lastBlock"));
        fact(body, "Channel and chaincode", text(status, "channel") + " / " + text(status, "chaincode"));
        fact(body, "Organisation (MSP)", text(status, "mspId"));
        if (status.hasNonNull("lastError")) {
            fact(body, "Last error", status.path("lastError").asText());
        }
        body.append("</table>\n");
    }

    private static String text(JsonNode status, String field) {
        JsonNode value = status.path(field);
        return value.isNull() || value.isMissingNode() ? "not known yet" : value.asText();
    }

    private static void fact(StringBuilder body, String label, String value) {
        body.append("<tr><th scope=\"row\">").append(Html.escape(label)).append("</th><td>").append(Html.escape(value))
                .append("</td></tr>\n");
    }

    private static void input(StringBuilder body, SearchForm form, String name, String label, String type) {
        String value = type.equals("datetime-local") ? SearchForm.inputValue(form.values().get(name))
                : form.values().get(name);
        body.append("<p><label for=\"search-").append(name).append("\">").append(Html.escape(label))
                .append("</label><br/>\n<input id=\"search-").append(name).append("\" name=\"").append(name)
                .append("\" type=\"").append(type).append("\"").append(type.equals("text") ? " maxlength=\"200\"" : "")
                .append(value == null ? "" : " value=\"" + Html.escape(value) + "\"").append("/></p>\n");
    }

    private static void outcome(StringBuilder body, String selected) {
        body.append("<p><label for=\"search-outcome\">Outcome</label><br/>\n")
                .append("<select id=\"search-outcome\" name=\"outcome\">\n<option value=\"\">Any</option>\n");
        for (RequestStatus status : RequestStatus.values()) {
            body.append("<option value=\"").append(status.wireName()).append("\"")
                    .append(status.wireName().equals(selected) ? " selected=\"selected\"" : "").append(">")
                    .append(status.wireName()).append("</option>\n");
        }
        body.append("</select></p>\n");
    }

    /** The query string of the same search continued before {@code next}. */
    private static String query(SearchForm form, long next) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> field : form.values().entrySet()) {
            if (!field.getKey().equals("before")) {
                query.append(encode(field.getKey())).append('=').append(encode(field.getValue())).append('&');
            }
        }
        if (!form.values().containsKey("from")) {
            query.append("from=").append(encode(form.query().from().toString())).append('&');
        }
        if (!form.values().containsKey("to")) {
            query.append("to=").append(encode(form.query().to().toString())).append('&');
        }
        return query.append("before=").append(next).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
