package io.countersign.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What the server reports at {@code GET /v1/health} (liveness) and {@code GET /v1/health/ready} (readiness). The
 * server answers both paths itself, so that they are never 404: the bundle that can judge whether the node is ready
 * registers one {@code HealthSource} service, and until there is one (while Countersign starts, or once it has
 * stopped) both answer 503 {@code starting} with {@code Retry-After}.
 * <p>
 * Once a source is there, liveness is 200 for as long as the process serves HTTP, with the readiness in its body, and
 * readiness is 200 when {@link Status#ready()} and otherwise an RFC 9457 503 with the status's {@code reason} and a
 * {@code Retry-After} of its {@code retryAfter}.
 */
@ConsumerType
public interface HealthSource {

    /** The node's readiness now. Called on every probe: cheap, never blocking. */
    Status status();

    /**
     * The node's readiness.
     *
     * @param ready whether the node can do its work
     * @param reason when not ready, a stable machine-readable code ({@code journal-unavailable}, ...); else null
     * @param detail when not ready, one sentence saying why, served to anyone: no exception text or paths (log
     *        those); else null
     * @param retryAfter when not ready, how long until asking again makes sense; else null
     * @param body further members of the answer (each component's state, sizes, versions); may be null
     */
    record Status(boolean ready, String reason, String detail, Duration retryAfter, ObjectNode body) {
    }
}
