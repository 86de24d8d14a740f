package io.countersign.http.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.http.Exchanges;
import io.countersign.http.HealthSource;
import io.countersign.http.Problem;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/health} (liveness) and {@code /v1/health/ready} (readiness), answered by the server itself so that they
 * exist from the moment it listens: 503 {@code starting} until a {@link HealthSource} is registered, then what it says.
 */
final class HealthEndpoints {

    static final String LIVENESS = "/v1/health";
    static final String READINESS = "/v1/health/ready";

    private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoints.class);
    private static final Duration STARTING_RETRY_AFTER = Duration.ofSeconds(1);

    private final Supplier<HealthSource> source;

    HealthEndpoints(Supplier<HealthSource> source) {
        this.source = source;
    }

    static boolean serves(String path) {
        return path.equals(LIVENESS) || path.equals(READINESS);
    }

    void handle(String path, Request request, Response response, Callback callback) {
        if (!request.getMethod().equals("GET")) {
            Exchanges.methodNotAllowed(response, callback, "GET");
            return;
        }
        HealthSource current = source.get();
        if (current == null) {
            ObjectNode members = JsonNodeFactory.instance.objectNode().put("ready", false);
            notReady(response, callback, new Problem(503, "starting", "Starting",
                    "Countersign is starting (or stopping): its API is not serving yet"), STARTING_RETRY_AFTER,
                    members);
            return;
        }
        HealthSource.Status status;
        try {
            status = current.status();
        } catch (RuntimeException e) {
            LOG.error("the health source failed", e);
            notReady(response, callback, new Problem(503, "health-unknown", "Health unknown",
                    "the health check failed; it has been logged"), STARTING_RETRY_AFTER, null);
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (path.equals(LIVENESS)) {
            body.put("status", "up").put("ready", status.ready());
            if (!status.ready()) {
                body.put("reason", status.reason()).put("detail", status.detail());
            }
            merge(body, status.body());
            Exchanges.json(response, callback, 200, body);
        } else if (status.ready()) {
            body.put("status", "ready").put("ready", true);
            merge(body, status.body());
            Exchanges.json(response, callback, 200, body);
        } else {
            body.put("ready", false);
            merge(body, status.body());
            notReady(response, callback, new Problem(503, status.reason(), "Not ready", status.detail()),
                    status.retryAfter(), body);
        }
    }

    private static void notReady(Response response, Callback callback, Problem problem, Duration retryAfter,
                                 ObjectNode members) {
        Exchanges.problem(response, callback, problem, members,
                Map.of("Retry-After", Exchanges.retryAfter(retryAfter)));
    }

    private static void merge(ObjectNode into, ObjectNode members) {
        if (members != null) {
            members.properties().forEach(member -> {
                if (!into.has(member.getKey())) {
                    into.set(member.getKey(), member.getValue());
                }
            });
        }
    }
}
