package io.countersign.camel.internal;

import io.countersign.api.ActionRequest;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyEngine;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.SigningKeys;
import io.countersign.api.Verdict;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.core.internal.ApprovalEngine;
import io.countersign.journal.internal.FileJournal;
import io.countersign.signing.internal.KeyRing;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A real journal and approval core whose policy asks two data owners, and a directory of reachable reviewers. */
final class OutboxFixture implements AutoCloseable {

    static final Agent AGENT = new Agent("etl-agent", List.of("alice"));
    static final Reviewer ALICE = new Reviewer("alice", Set.of("data-owners"), Map.of("slack", "UALICE"));
    static final Reviewer BOB = new Reviewer("bob", Set.of("data-owners"), Map.of("slack", "UBOB",
            "email", "bob@example.com"));
    static final Reviewer CAROL = new Reviewer("carol", Set.of("data-owners"), Map.of("email", "carol@example.com"));
    static final Reviewer DAN = new Reviewer("dan", Set.of("data-owners"), Map.of());

    /** The route the policy gives every request; a test may replace it before submitting. */
    volatile ReviewRoute route = new ReviewRoute(List.of(new GroupQuorum("data-owners", 2)), Duration.ofHours(1), 1);
    final Path dir;
    FileJournal journal;
    final SigningKeys keys;
    ApprovalEngine engine;
    /** Alice, Bob and Carol at first; a test changes them with {@link InMemoryDirectory#setReviewers}. */
    final InMemoryDirectory directory = new InMemoryDirectory(ALICE, BOB, CAROL);

    OutboxFixture(Path dir) throws Exception {
        this.dir = dir;
        this.keys = KeyRing.open(dir.resolve("keys"), "test.example/channels");
        open();
    }

    private void open() throws Exception {
        journal = FileJournal.open(dir.resolve("journal"), 1 << 20);
        PolicyEngine policy = new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent, io.countersign.api.PolicyContext context) {
                return new Decision(Outcome.REVIEW, List.of("exports of customer data need two data owners"),
                        List.of("export-review"), "sha256:test", route);
            }

            @Override
            public String version() {
                return "sha256:test";
            }
        };
        engine = new ApprovalEngine(journal, policy, keys, null, ApprovalEngine.defaultConfig());
    }

    void restart() throws Exception {
        engine.close();
        journal.close();
        open();
    }

    RequestView submit() throws Exception {
        return engine.submit(AGENT, new ActionSubmission("data.export", "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", 50_000), "production", List.of("alice"),
                "quarterly report"), null).toCompletableFuture().get().view();
    }

    void approve(Reviewer reviewer, String requestId) throws Exception {
        engine.review(reviewer, requestId, Verdict.APPROVE, null).toCompletableFuture().get();
    }

    List<JournalEntry> entries(String type) {
        return journal.read(0, 100_000).stream().filter(e -> e.type().equals(type)).toList();
    }

    @Override
    public void close() {
        engine.close();
        journal.close();
    }
}
