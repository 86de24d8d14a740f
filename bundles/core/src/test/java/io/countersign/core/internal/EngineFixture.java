package io.countersign.core.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionRequest;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyEngine;
import io.countersign.api.ReviewRoute;
import io.countersign.journal.internal.FileJournal;
import io.countersign.signing.internal.KeyRing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** A real journal in a temporary directory, and a policy that decides by a plain function. */
final class EngineFixture implements AutoCloseable {

    static final Agent AGENT = new Agent("etl-agent", List.of("alice"));

    private final Path dir;
    private FileJournal journal;
    private ApprovalEngine engine;
    private final PolicyEngine policy;
    private io.countersign.api.SigningKeys keys;
    private Duration grantTtl = Duration.ofSeconds(ApprovalEngine.DEFAULT_GRANT_TTL_SECONDS);
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private io.countersign.api.Directory directory;
    private ApprovalEngine.Limits limits = ApprovalEngine.Limits.DEFAULT;

    EngineFixture(Path dir, Function<ActionRequest, Decision> decide) {
        this.dir = dir;
        this.policy = new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent, io.countersign.api.PolicyContext context) {
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

    /** A reviewer in these groups, for directories in tests. */
    static io.countersign.api.Reviewer person(String id, String... groups) {
        return new io.countersign.api.Reviewer(id, java.util.Set.of(groups));
    }

    static ActionSubmission submission(String action, List<String> onBehalfOf) {
        return new ActionSubmission(action, "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", 50_000), "production", onBehalfOf,
                "quarterly report");
    }

    void start() {
        try {
            journal = FileJournal.open(dir.resolve("journal"), 1 << 20);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        engine = new ApprovalEngine(journal, journal, policy, keys(), directory, grantTtl,
                ApprovalEngine.DEFAULT_CHANNEL_EVENTS_PER_SECOND, limits, clock, storage());
    }

    /** The core's snapshots and index: kept across restarts, so a restart reads them and the journal's tail. */
    ProjectionStore.Options storage() {
        return ProjectionStore.Options.in(dir.resolve("core"));
    }

    Path dir() {
        return dir;
    }

    FileJournal fileJournal() {
        return journal;
    }

    io.countersign.api.SigningKeys keys() {
        if (keys == null) {
            try {
                keys = KeyRing.open(dir.resolve("keys"), "test.example/log");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return keys;
    }

    /** Restarts the engine with this directory and these break-glass and standing-approval limits. */
    EngineFixture restartWith(io.countersign.api.Directory directory, ApprovalEngine.Limits limits) {
        this.directory = directory;
        this.limits = limits;
        restart();
        return this;
    }

    /** Restarts the engine with grants that live this long and this clock. */
    void restartWith(Duration grantTtl, java.time.Clock clock) {
        this.grantTtl = grantTtl;
        this.clock = clock;
        restart();
    }

    /** Closes the engine and the journal and opens both again on the same directory. */
    void restart() {
        close();
        start();
    }

    ApprovalEngine engine() {
        return engine;
    }

    io.countersign.api.Journal journal() {
        return journal;
    }

    @Override
    public void close() {
        engine.close();
        journal.close();
    }
}
