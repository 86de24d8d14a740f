package io.countersign.ledger.internal;

import io.countersign.api.Agent;
import io.countersign.api.Directory;
import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import io.countersign.http.Problem;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/evidence?request=ID} or {@code ?from=T1&to=T2}, optionally {@code &trustedSize=S}: an evidence bundle
 * (application/zip). Reviewers may export anything; an agent may export its own requests. Everything that can be
 * refused is checked first; then the bundle is streamed into the response as it is written.
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=/v1/evidence",
        configurationPid = "io.countersign.evidence", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EvidenceApi.Config.class)
public final class EvidenceApi implements HttpRoute {

    @ObjectClassDefinition(name = "Countersign evidence API", description = "Evidence bundles over HTTP")
    public @interface Config {
        @AttributeDefinition(description = "Most journal entries one exported bundle may hold; a longer time range"
                + " is refused (400 range-too-large)")
        long maxEvidenceEntries() default 5_000_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceApi.class);

    /** A bundle ready to stream and the name it is downloaded under. */
    private record Download(BundlePlan plan, String name) {
    }

    private final EvidenceExporter exporter;
    private final Directory directory;
    private final long maxEvidenceEntries;

    @Activate
    public EvidenceApi(@Reference EvidenceExporter exporter, @Reference Directory directory, Config config) {
        this(exporter, directory, config.maxEvidenceEntries());
    }

    EvidenceApi(EvidenceExporter exporter, Directory directory, long maxEvidenceEntries) {
        this.exporter = exporter;
        this.directory = directory;
        this.maxEvidenceEntries = maxEvidenceEntries;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).equals("/v1/evidence")) {
            return false;
        }
        if (!request.getMethod().equals("GET")) {
            Exchanges.methodNotAllowed(response, callback, "GET");
            return true;
        }
        Optional<String> token = Exchanges.bearer(request);
        boolean reviewer = token.flatMap(directory::reviewerByToken).isPresent();
        Optional<Agent> agent = reviewer ? Optional.empty() : token.flatMap(directory::agentByKey);
        if (!reviewer && agent.isEmpty()) {
            Exchanges.unauthorized(response, callback, "a reviewer token, or the requesting agent's key, is required");
            return true;
        }
        Fields query = Request.extractQueryParameters(request);
        String requestId = query.getValue("request");
        Optional<Download> download;
        try {
            download = requestId != null ? requestBundle(requestId, query, agent) : Optional.of(rangeBundle(query,
                    reviewer));
        } catch (QueryParameters.Invalid | InvalidExportException e) {
            Exchanges.problem(response, callback, Problem.badRequest("invalid-parameter", e.getMessage()));
            return true;
        }
        if (download.isEmpty()) {
            Exchanges.problem(response, callback, Problem.notFound("no action request " + requestId
                    + " is visible to you"));
            return true;
        }
        long entries = download.get().plan().entries();
        if (entries > maxEvidenceEntries) {
            Exchanges.problem(response, callback, Problem.badRequest("range-too-large", "the bundle would hold "
                    + entries + " entries, more than the " + maxEvidenceEntries + " one export may hold: narrow the"
                    + " range"));
            return true;
        }
        stream(download.get(), response, callback);
        return true;
    }

    /** The request's bundle, or nothing if there is no such request or it is another agent's. */
    private Optional<Download> requestBundle(String requestId, Fields query, Optional<Agent> agent)
            throws QueryParameters.Invalid, InvalidExportException {
        QueryParameters.check(query.getValue("from") == null && query.getValue("to") == null,
                "give either 'request' or 'from' and 'to', not both");
        Long trustedSize = QueryParameters.optional(query, "trustedSize");
        if (agent.isPresent() && !exporter.isRequester(requestId, agent.get().id())) {
            return Optional.empty();
        }
        return exporter.planRequest(requestId, trustedSize).map(plan -> new Download(plan, "request-" + requestId));
    }

    private Download rangeBundle(Fields query, boolean reviewer)
            throws QueryParameters.Invalid, InvalidExportException {
        QueryParameters.check(reviewer, "only reviewers may export a time range");
        Instant from = instant(query, "from");
        Instant to = instant(query, "to");
        Long trustedSize = QueryParameters.optional(query, "trustedSize");
        return new Download(exporter.planRange(from, to, trustedSize),
                "range-" + from.getEpochSecond() + "-" + to.getEpochSecond());
    }

    private static Instant instant(Fields query, String name) throws QueryParameters.Invalid {
        String value = query.getValue(name);
        QueryParameters.check(value != null, "'" + name + "' is required, e.g. 2026-11-22T00:00:00Z");
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new QueryParameters.Invalid("'" + name + "' must be an instant such as 2026-11-22T00:00:00Z");
        }
    }

    private void stream(Download download, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION,
                "attachment; filename=\"countersign-evidence-" + download.name() + ".zip\"");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try {
            exporter.write(download.plan(), Content.Sink.asOutputStream(response));
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            // The 200 and part of the zip may already be sent, so no problem+json can follow: failing the callback
            // aborts the response, and the client sees a broken download rather than a bundle that looks complete.
            LOG.error("streaming the evidence bundle {} failed; the response was aborted", download.name(), e);
            callback.failed(e);
        }
    }
}
