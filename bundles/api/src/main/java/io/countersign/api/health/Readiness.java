package io.countersign.api.health;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Objects;

/**
 * One component's answer to "can this node do its work now?".
 *
 * @param component what answers, e.g. {@code journal} or {@code policy}: the key of its part of the health answer
 * @param ready whether it lets the node serve
 * @param reason when not ready, a stable machine-readable code ({@code starting}, {@code journal-unavailable},
 *        {@code journal-failed}, {@code policy-failed-closed}, ...); {@code null} when ready
 * @param detail one sentence for the operator, logged and never served (it may hold exception text); {@code null}
 *        when there is nothing to say
 * @param retryAfter when not ready, how long until asking again makes sense (at least one second); {@code null} when
 *        ready
 * @param details whatever else the component reports (sizes, states, times), served to anyone: no exception text,
 *        paths or secrets; never {@code null}, not to be modified
 */
public record Readiness(String component, boolean ready, String reason, String detail, Duration retryAfter,
                        ObjectNode details) {

    public Readiness {
        Objects.requireNonNull(component, "component");
        if (!ready) {
            Objects.requireNonNull(reason, "a component that is not ready says why");
            retryAfter = retryAfter == null || retryAfter.compareTo(Duration.ofSeconds(1)) < 0
                    ? Duration.ofSeconds(1) : retryAfter;
        }
        details = details == null ? JsonNodeFactory.instance.objectNode() : details;
    }

    /** A component that lets the node serve. */
    public static Readiness ready(String component, ObjectNode details) {
        return new Readiness(component, true, null, null, null, details);
    }

    /** A component that keeps the node from serving, for {@code reason}; ask again after {@code retryAfter}. */
    public static Readiness notReady(String component, String reason, String detail, Duration retryAfter,
                                     ObjectNode details) {
        return new Readiness(component, false, reason, detail, retryAfter, details);
    }

    /** {@link #retryAfter} in whole seconds, rounded up: the value of an HTTP {@code Retry-After} header. */
    public long retryAfterSeconds() {
        if (retryAfter == null) {
            return 0;
        }
        long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
