package io.countersign.ledger.internal;

import io.countersign.api.Agent;
import io.countersign.api.Directory;
import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import io.countersign.http.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.InputStreamContentSource;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/evidence?request=ID} or {@code ?from=T1&to=T2}, optionally {@code &trustedSize=S}: an evidence bundle
 * (application/zip). Reviewers may export anything; an agent may export its own requests.
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=/v1/evidence")
public final class EvidenceApi implements HttpRoute {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceApi.class);

    private final EvidenceExporter exporter;
    private final Directory directory;

    @Activate
    public EvidenceApi(@Reference EvidenceExporter exporter, @Reference Directory directory) {
        this.exporter = exporter;
        this.directory = directory;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
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
        Path bundle = Files.createTempFile("countersign-evidence", ".zip");
        try {
            Long trustedSize = QueryParameters.optional(query, "trustedSize");
            String name;
            if (requestId != null) {
                QueryParameters.check(query.getValue("from") == null && query.getValue("to") == null,
                        "give either 'request' or 'from' and 'to', not both");
                if (!reviewer && !exporter.isRequester(requestId, agent.get().id())) {
                    throw new NoSuchElementException("no action request " + requestId + " is visible to you");
                }
                try (OutputStream out = Files.newOutputStream(bundle)) {
                    exporter.exportRequest(requestId, trustedSize, out);
                }
                name = "request-" + requestId;
            } else {
                QueryParameters.check(reviewer, "only reviewers may export a time range");
                Instant from = instant(query, "from");
                Instant to = instant(query, "to");
                try (OutputStream out = Files.newOutputStream(bundle)) {
                    exporter.exportRange(from, to, trustedSize, out);
                }
                name = "range-" + from.getEpochSecond() + "-" + to.getEpochSecond();
            }
            send(bundle, name, response, callback);
        } catch (QueryParameters.Invalid | IllegalArgumentException e) {
            Files.deleteIfExists(bundle);
            Exchanges.problem(response, callback, Problem.badRequest("invalid-parameter", e.getMessage()));
        } catch (NoSuchElementException e) {
            Files.deleteIfExists(bundle);
            Exchanges.problem(response, callback, Problem.notFound(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(bundle);
            LOG.error("writing an evidence bundle failed", e);
            Exchanges.problem(response, callback, new Problem(500, "internal-error", "Internal error",
                    "the evidence bundle could not be written"));
        }
        return true;
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

    private static void send(Path bundle, String name, Response response, Callback callback) throws IOException {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION,
                "attachment; filename=\"countersign-evidence-" + name + ".zip\"");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Files.size(bundle));
        InputStream in = Files.newInputStream(bundle);
        Runnable cleanUp = () -> {
            try {
                in.close();
                Files.deleteIfExists(bundle);
            } catch (IOException e) {
                LOG.warn("could not remove the temporary evidence bundle {}", bundle, e);
            }
        };
        Content.copy(new InputStreamContentSource(in), response, Callback.from(() -> {
            cleanUp.run();
            callback.succeeded();
        }, failure -> {
            cleanUp.run();
            callback.failed(failure);
        }));
    }
}
