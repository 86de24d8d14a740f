package io.countersign.console.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ApprovalService;
import io.countersign.api.Reviewer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auditor's pages under {@code /console/audit/}: the request search, the evidence export of a search, and the
 * ledger's status. Only members of the configured auditor group may open them; anyone else signed in gets 403.
 */
final class AuditorViews {

    static final int PAGE_SIZE = 50;
    /** Most requests one export holds: beyond it the auditor narrows the search. */
    static final int MAX_EXPORT = 200;
    /** Most journal entries one page of a search reads, so a search of a large journal stays bounded. */
    static final int MAX_SCANNED = 200_000;

    static final String EXPORTED = "evidence.exported";
    private static final Duration JOURNAL_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(AuditorViews.class);

    private final ConsoleRoute console;
    private final ApprovalService approvals;
    private final AuditTrail trail;
    private final RequestSearch search;
    private final Supplier<Optional<ObjectNode>> anchoring;
    private final Clock clock;

    /** @param anchoring the status of anchoring on Fabric, empty while it is not configured */
    AuditorViews(ConsoleRoute console, ApprovalService approvals, AuditTrail trail,
                 Supplier<Optional<ObjectNode>> anchoring, Clock clock) {
        this.console = console;
        this.approvals = approvals;
        this.trail = trail;
        this.anchoring = anchoring;
        this.search = new RequestSearch(trail.journal(), approvals::find, MAX_SCANNED);
        this.clock = clock;
    }

    void addRoutes(ConsoleRoute routes) {
        routes.route("GET", "/console/audit/requests", (request, response, callback, path) ->
                asAuditor(request, response, callback, Request.getPathInContext(request), (session, auditor) ->
                        searchPage(request, response, callback, session)));
        routes.route("POST", "/console/audit/evidence", (request, response, callback, path) ->
                console.withForm(request, response, callback, (session, form) -> {
                    Optional<Reviewer> auditor = console.reviewer(session).filter(console::isAuditor);
                    if (auditor.isEmpty()) {
                        forbidden(response, callback);
                    } else {
                        export(response, callback, auditor.get(), form);
                    }
                }));
        routes.route("GET", "/console/audit/ledger", (request, response, callback, path) ->
                asAuditor(request, response, callback, Request.getPathInContext(request), (session, auditor) ->
                        ConsoleRoute.html(response, callback, 200, AuditorPages.ledger(console.viewer(session),
                                session.csrf(), trail.checkpoints().latest().orElse(null),
                                trail.journal().size(), anchoring.get().orElse(null)))));
    }

    private interface AuditorAction {
        void run(Sessions.Session session, Reviewer auditor);
    }

    private void asAuditor(Request request, Response response, Callback callback, String returnTo,
                           AuditorAction action) {
        console.withSession(request, response, callback, returnTo, session -> {
            Optional<Reviewer> auditor = console.reviewer(session).filter(console::isAuditor);
            if (auditor.isEmpty()) {
                forbidden(response, callback);
            } else {
                action.run(session, auditor.get());
            }
        });
    }

    private static void forbidden(Response response, Callback callback) {
        ConsoleRoute.html(response, callback, 403, Pages.message("Auditors only",
                "This page is for the auditor group's members. Nothing was changed.", 403));
    }

    private void searchPage(Request request, Response response, Callback callback, Sessions.Session session) {
        Map<String, String> parameters = SearchForm.parameters(Request.extractQueryParameters(request));
        SearchForm form;
        try {
            form = SearchForm.parse(parameters, clock.instant());
        } catch (SearchForm.Invalid e) {
            ConsoleRoute.html(response, callback, 400, AuditorPages.search(console.viewer(session), session.csrf(),
                    SearchForm.unchecked(parameters), null, e.getMessage()));
            return;
        }
        RequestSearch.Page page = search.search(form.query(), PAGE_SIZE);
        ConsoleRoute.html(response, callback, 200, AuditorPages.search(console.viewer(session), session.csrf(),
                form, page, null));
    }

    private void export(Response response, Callback callback, Reviewer auditor, Map<String, String> fields) {
        SearchForm form;
        try {
            form = SearchForm.parse(fields, clock.instant());
        } catch (SearchForm.Invalid e) {
            ConsoleRoute.html(response, callback, 400, Pages.message("The search is not valid",
                    e.getMessage() + " Nothing was exported.", 400));
            return;
        }
        RequestSearch.Page page = search.search(form.query().startingBefore(Long.MAX_VALUE), MAX_EXPORT + 1);
        if (page.stoppedShort() || page.requests().size() > MAX_EXPORT) {
            ConsoleRoute.html(response, callback, 400, Pages.message("Too many requests to export at once",
                    "One export holds at most " + MAX_EXPORT + " requests and reads at most " + MAX_SCANNED
                            + " journal entries; narrow the search (a shorter time window or more filters) and "
                            + "export again. Nothing was exported.", 400));
            return;
        }
        SearchExport export = new SearchExport(trail.evidence(), clock);
        ObjectNode description = form.toJson();
        List<String> ids = page.requests().stream().map(view -> view.id()).toList();
        // the export is itself evidence (who took which requests out): durable before any of it leaves, or nothing
        // leaves
        try {
            trail.journal().append(EXPORTED, exported(auditor, description, ids))
                    .get(JOURNAL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notExported(response, callback);
            return;
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("the evidence export of {} could not be journaled; nothing was exported", auditor.id(), e);
            notExported(response, callback);
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"countersign-evidence-search-"
                + clock.instant().getEpochSecond() + ".zip\"");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        try {
            export.write(description, auditor.id(), ids, Content.Sink.asOutputStream(response));
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            // the 200 and part of the zip may be sent: failing the callback aborts the response, so the download is
            // visibly broken rather than a zip that looks complete
            LOG.error("the console's evidence export for {} failed; the response was aborted", auditor.id(), e);
            callback.failed(e);
        }
    }

    /** The {@code evidence.exported} entry: who exported, the search, and the requests it found. */
    static ObjectNode exported(Reviewer auditor, ObjectNode search, List<String> requests) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("auditor", auditor.id());
        data.put("channel", ConsoleRoute.CHANNEL);
        data.set("search", search);
        requests.forEach(data.putArray("requests")::add);
        return data;
    }

    private static void notExported(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
        ConsoleRoute.html(response, callback, 503, Pages.message("The export could not be recorded",
                "An export is journaled before it is sent, and the journal did not confirm it. Nothing was exported;"
                        + " try again in a moment.", 503));
    }
}
