package io.countersign.ledger.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionRequest;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.ExecutionOutcome;
import io.countersign.api.ExecutionReport;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyEngine;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.core.internal.ApprovalEngine;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/** The real approval engine over a {@link LedgerFixture}: exports need two data owners, queries are allowed. */
final class ApprovalFlow {

    static final Agent AGENT = new Agent("etl-agent", List.of("alice"));

    final ApprovalEngine engine;

    ApprovalFlow(LedgerFixture fixture) {
        PolicyEngine policy = new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent, io.countersign.api.PolicyContext context) {
                return request.action().action().equals("data.export")
                        ? new Decision(Outcome.REVIEW, List.of("exports need two owners"), List.of("export rule"),
                                "sha256:test", new ReviewRoute(List.of(new GroupQuorum("data-owners", 2)),
                                Duration.ofHours(1), 1))
                        : new Decision(Outcome.ALLOW, List.of("reads are fine"), List.of("read rule"), "sha256:test",
                                null);
            }

            @Override
            public String version() {
                return "sha256:test";
            }
        };
        engine = new ApprovalEngine(fixture.journal, policy, fixture.keys, null, ApprovalEngine.defaultConfig());
    }

    static ActionSubmission submission(String action) {
        return new ActionSubmission(action, "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", 50_000), "production", List.of("alice"), "report");
    }

    /** An export approved by two owners, consumed and reported; its id. */
    String approvedAndExecuted() throws Exception {
        ActionSubmission export = submission("data.export");
        String id = engine.submit(AGENT, export, null).toCompletableFuture().get().view().id();
        for (String reviewer : List.of("bob", "carol")) {
            engine.review(new Reviewer(reviewer, Set.of("data-owners")), id, Verdict.APPROVE, "ok")
                    .toCompletableFuture().get();
        }
        RequestView approved = engine.find(id).orElseThrow();
        engine.consume(AGENT, approved.grant().token(), export).toCompletableFuture().get();
        engine.reportExecution(AGENT, id, new ExecutionReport(ExecutionOutcome.SUCCESS, null, 50_000L, null, null))
                .toCompletableFuture().get();
        return id;
    }

    /** Submits {@code count} allowed queries at once and waits until all are journaled. */
    void allowedQueries(int count) {
        CompletableFuture.allOf(IntStream.range(0, count)
                .mapToObj(i -> engine.submit(AGENT, submission("db.query"), null).toCompletableFuture())
                .toArray(CompletableFuture[]::new)).join();
    }
}
