package io.countersign.console.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ApprovalService;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.RequestView;
import io.countersign.api.Reviewer;
import io.countersign.http.Exchanges;
import io.countersign.records.ChangeRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A request's change record in the console ({@code /console/requests/ID/record}, and {@code .../record.json}): who
 * asked, why, which policy, who approved, when it ran, what happened, each fact with the seq and hash of the journal
 * entry it comes from. Made from the request's own journal entries by the code compliance reports use, so the page
 * an auditor opens from a review message says what the report's record says. Shown to whoever may see the request.
 */
final class ChangeRecordPage {

    static final String PATH = ConsoleRoute.REQUEST_PATH + "/record(\\.json)?";

    private final ConsoleRoute console;
    private final ApprovalService approvals;
    private final Journal journal;

    ChangeRecordPage(ConsoleRoute console, ApprovalService approvals, Journal journal) {
        this.console = console;
        this.approvals = approvals;
        this.journal = journal;
    }

    void addRoutes(ConsoleRoute routes) {
        routes.route("GET", PATH, (request, response, callback, path) ->
                console.withSession(request, response, callback, Request.getPathInContext(request), session ->
                        show(response, callback, session, path.group(1), path.group(2) != null)));
    }

    private void show(Response response, Callback callback, Sessions.Session session, String id, boolean json) {
        Optional<RequestView> view = approvals.find(id);
        Optional<Reviewer> reviewer = console.reviewer(session);
        if (view.isEmpty() || reviewer.isEmpty() || !console.maySeeRequest(reviewer.get(), view.get())) {
            ConsoleRoute.html(response, callback, 404, Pages.message("Not found",
                    "There is no such request, or it is not one you review.", 404));
            return;
        }
        ChangeRecord record = record(id);
        if (json) {
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            Exchanges.closeUnlessBodyConsumed(response);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(record.toJson().getBytes(StandardCharsets.UTF_8)), callback);
            return;
        }
        String page = record.toHtml();
        response.setStatus(200);
        Exchanges.closeUnlessBodyConsumed(response);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // the record's page carries its own stylesheet inline: allowed by its hash, and nothing else is
        response.getHeaders().put("Content-Security-Policy", "default-src 'none'; style-src " + styleHash(page)
                + "; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
        response.getHeaders().put("Referrer-Policy", "same-origin");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(page.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** The record from the request's entries as the journal holds them, in seq order. */
    ChangeRecord record(String id) {
        ChangeRecord record = ChangeRecord.of(id);
        List<Long> seqs = approvals.journalSeqs(id).stream().sorted().toList();
        for (long seq : seqs) {
            for (JournalEntry entry : journal.read(seq, 1)) {
                record.accept(entry.seq(), entry.hash(), asRead(entry));
            }
        }
        return record;
    }

    /** The entry as a bundle's journal lines carry it. */
    private static ObjectNode asRead(JournalEntry entry) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("seq", entry.seq());
        json.put("time", entry.time().toString());
        json.put("type", entry.type());
        json.set("data", entry.data());
        json.put("prev", entry.prevHash());
        json.put("hash", entry.hash());
        return json;
    }

    private static String styleHash(String page) {
        int start = page.indexOf("<style>");
        int end = page.indexOf("</style>", start);
        if (start < 0 || end < 0) {
            return "'none'";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(page.substring(start + "<style>".length(), end)
                    .getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
