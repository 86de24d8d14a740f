package io.countersign.http.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.http.Exchanges;
import io.countersign.http.HealthSource;
import io.countersign.http.Problem;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request to the route that owns its path, and answers every miss or failure as problem+json. The health
 * endpoints are the server's own ({@link HealthEndpoints}): they answer before any route is registered.
 */
final class Dispatcher extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final RouteTable routes;
    private final HealthEndpoints health;

    Dispatcher(RouteTable routes, Supplier<HealthSource> health) {
        this.routes = routes;
        this.health = new HealthEndpoints(health);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!queryDecodes(request)) {
            Exchanges.problem(response, callback, Problem.badRequest("malformed-query",
                    "the query string is not valid percent-encoded UTF-8"));
            return true;
        }
        if (path.equals("/health")) {
            if (!request.getMethod().equals("GET")) {
                Exchanges.methodNotAllowed(response, callback, "GET");
                return true;
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("status", "up");
            routes.prefixes().forEach(body.putArray("routes")::add);
            Exchanges.json(response, callback, 200, body);
            return true;
        }
        if (HealthEndpoints.serves(path)) {
            health.handle(path, request, response, callback);
            return true;
        }
        Optional<RouteTable.Entry> entry = routes.match(path);
        try {
            if (entry.isPresent() && entry.get().route().handle(request, response, callback)) {
                return true;
            }
        } catch (Exception e) {
            LOG.error("route {} failed on {} {}", entry.get().prefix(), request.getMethod(), path, e);
            if (!response.isCommitted()) {
                Exchanges.problem(response, callback, new Problem(500, "internal-error", "Internal error",
                        "the server failed to handle this request; it has been logged"));
            } else {
                callback.failed(e);
            }
            return true;
        }
        Exchanges.problem(response, callback, Problem.notFound("nothing is served at " + path));
        return true;
    }

    /** Checked once here so that no route meets Jetty's "Bad query" exception when it reads a parameter. */
    private static boolean queryDecodes(Request request) {
        try {
            Request.extractQueryParameters(request);
            return true;
        } catch (BadMessageException | IllegalArgumentException e) {
            return false;
        }
    }
}
