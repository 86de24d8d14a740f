package io.countersign.intake.rest.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.PolicyEngine;
import io.countersign.api.health.Readiness;
import io.countersign.api.health.ReadinessCheck;
import io.countersign.http.HealthSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's readiness for the server's health endpoints: every registered {@link ReadinessCheck} (the journal's,
 * and any other component's), and the policy's. The node is ready when all of them are; when not, the first reason
 * given is the journal's, then the policy's, then any other.
 */
final class NodeHealth {

    static final String JOURNAL = "journal";
    static final String POLICY = "policy";
    /** What the policy engine reports as its version while no rule set is active (it fails closed). */
    static final String NO_POLICY_VERSION = "none";
    static final Duration POLICY_RETRY_AFTER = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(NodeHealth.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** What was last logged as the reason the node is not ready; there is one node per JVM. */
    private static final AtomicReference<String> LAST_LOGGED = new AtomicReference<>();

    private NodeHealth() {
    }

    static HealthSource.Status status(List<ReadinessCheck> checks, Journal journal, PolicyEngine policy) {
        List<Readiness> all = readiness(checks);
        if (all.stream().noneMatch(r -> r.component().equals(POLICY))) {
            all.add(policy(policy));
        }
        ObjectNode body = JSON.objectNode();
        body.put("policyVersion", policy.version());
        body.put("journalSize", journal.size());
        ObjectNode parts = body.putObject("checks");
        for (Readiness readiness : all) {
            parts.set(readiness.component(), json(readiness));
        }
        Optional<Readiness> first = all.stream().filter(r -> !r.ready())
                .min(Comparator.comparingInt(NodeHealth::priority));
        first.ifPresentOrElse(NodeHealth::logOnChange, () -> LAST_LOGGED.set(null));
        return first.map(r -> new HealthSource.Status(false, r.reason(), publicDetail(r.reason()), r.retryAfter(),
                        body))
                .orElseGet(() -> new HealthSource.Status(true, null, null, null, body));
    }

    /**
     * What anyone may read about a reason: one fixed sentence. A component's own detail can hold exception text
     * (paths, "No space left on device") and goes to the log only.
     */
    static String publicDetail(String reason) {
        return switch (reason) {
            case "starting" -> "Countersign is starting; ask again shortly";
            case "journal-unavailable" -> "the journal cannot write now; it retries, and the node serves again once"
                    + " a write succeeds (the operator's log says why)";
            case "journal-failed" -> "the journal failed and refuses every write until Countersign is restarted"
                    + " (the operator's log says why)";
            case "policy-failed-closed" -> "no rule set is active: the policy denies every action until a valid"
                    + " rule set is activated";
            default -> "the node cannot do its work now (the operator's log says why)";
        };
    }

    /** Probes come every few seconds: the detail is logged when it changes, not on each. */
    private static void logOnChange(Readiness notReady) {
        String line = notReady.component() + " is not ready (" + notReady.reason() + "): " + notReady.detail();
        if (!line.equals(LAST_LOGGED.getAndSet(line))) {
            LOG.warn("Readiness: {}", line);
        }
    }

    /** Why writes cannot be taken now (the journal cannot write), if so. */
    static Optional<Readiness> writesRefused(List<ReadinessCheck> checks) {
        // on every write: only a check that is not ready is asked for its full answer
        for (ReadinessCheck check : checks) {
            if (!isReady(check)) {
                Readiness full = readiness(List.of(check)).get(0);
                if (full.component().equals(JOURNAL) && !full.ready()) {
                    return Optional.of(full);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isReady(ReadinessCheck check) {
        try {
            return check.isReady();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The policy engine fails closed, denying everything, while no rule set is active. */
    static Readiness policy(PolicyEngine policy) {
        String version = policy.version();
        ObjectNode details = JSON.objectNode().put("version", version);
        if (NO_POLICY_VERSION.equals(version)) {
            return Readiness.notReady(POLICY, "policy-failed-closed", "no rule set is active: the policy denies every"
                    + " action until a valid rule set is activated (see the log for why)", POLICY_RETRY_AFTER,
                    details);
        }
        return Readiness.ready(POLICY, details);
    }

    private static List<Readiness> readiness(List<ReadinessCheck> checks) {
        List<Readiness> all = new ArrayList<>();
        for (ReadinessCheck check : checks) {
            try {
                all.add(check.readiness());
            } catch (RuntimeException e) {
                LOG.error("readiness check {} failed", check, e);
                all.add(Readiness.notReady(check.getClass().getSimpleName(), "health-unknown",
                        "a readiness check failed: " + e, Duration.ofSeconds(1), null));
            }
        }
        return all;
    }

    private static ObjectNode json(Readiness readiness) {
        ObjectNode part = JSON.objectNode().put("ready", readiness.ready());
        if (!readiness.ready()) {
            part.put("reason", readiness.reason());
            part.put("retryAfterSeconds", readiness.retryAfterSeconds());
        }
        readiness.details().properties().forEach(member -> {
            if (!part.has(member.getKey())) {
                part.set(member.getKey(), member.getValue());
            }
        });
        return part;
    }

    private static int priority(Readiness readiness) {
        return switch (readiness.component()) {
            case JOURNAL -> 0;
            case POLICY -> 1;
            default -> 2;
        };
    }
}
