package io.countersign.core.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionRequest;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Journal;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyEngine;
import io.countersign.api.ReviewRoute;
import io.countersign.journal.internal.JournalStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** A real journal in a temporary directory, and a policy that decides by a plain function. */
final class EngineFixture implements AutoCloseable {

    static final Agent AGENT = new Agent("etl-agent", List.of("alice"));

    private final Path dir;
    private Journal journal;
    private ApprovalEngine engine;
    private final PolicyEngine policy;

    EngineFixture(Path dir, Function<ActionRequest, Decision> decide) {
        this.dir = dir;
        this.policy = new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent) {
                return decide.apply(request);
            }

            @Override
            public String version() {
                return "sha256:test";
            }
        };
        start();
    }

    static Decision review(Duration timeout, int denialsToReject, GroupQuorum... quorums) {
        return new Decision(Outcome.REVIEW, List.of("needs review"), List.of("test rule"), "sha256:test",
                new ReviewRoute(List.of(quorums), timeout, denialsToReject));
    }

    static ActionSubmission submission(String action, List<String> onBehalfOf) {
        return new ActionSubmission(action, "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", 50_000), "production", onBehalfOf,
                "quarterly report");
    }

    void start() {
        journal = JournalStore.openForTests(dir);
        engine = new ApprovalEngine(journal, policy, java.time.Clock.systemUTC());
    }

    /** Stops without any shutdown courtesy beyond what a crash would leave: the journal is simply reopened. */
    void restart() {
        close();
        start();
    }

    ApprovalEngine engine() {
        return engine;
    }

    Journal journal() {
        return journal;
    }

    @Override
    public void close() {
        engine.close();
        if (journal instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
