package io.countersign.core.internal;

import static io.countersign.core.internal.EngineFixture.person;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.ParameterBound;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.StandingApproval;
import io.countersign.api.StandingApprovalSpec;
import io.countersign.api.Vote;
import io.countersign.api.testing.InMemoryDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandingApprovalTest {

    @TempDir
    Path dir;

    private final InMemoryDirectory directory = new InMemoryDirectory(person("alice", "data-owners"),
            person("bob", "data-owners"),
            person("carol", "data-owners"),
            person("sam", "security"));

    /** Exports need one data owner; production deletes need a data owner and security. */
    private static Decision decide(io.countersign.api.ActionRequest request) {
        if (request.action().action().equals("db.delete")) {
            return new Decision(Outcome.REVIEW, List.of("two groups"), List.of("Delete rule"), "sha256:test",
                    new ReviewRoute(List.of(new GroupQuorum("data-owners", 1), new GroupQuorum("security", 1)),
                            Duration.ofHours(1), 1));
        }
        if (request.action().action().equals("db.query")) {
            return new Decision(Outcome.ALLOW, List.of("reads are fine"), List.of("Query rule"), "sha256:test", null);
        }
        return new Decision(Outcome.REVIEW, List.of("needs a data owner"), List.of("Export rule"), "sha256:test",
                new ReviewRoute(List.of(new GroupQuorum("data-owners", 1)), Duration.ofHours(1), 1));
    }

    private EngineFixture fixture() {
        return new EngineFixture(dir, StandingApprovalTest::decide).restartWith(directory,
                ApprovalEngine.Limits.DEFAULT);
    }

    private static StandingApprovalSpec exportsUnder1000(String action, int maxUses) {
        return new StandingApprovalSpec("data-owners", EngineFixture.AGENT.id(), List.of("alice"), action,
                "staging", null, List.of(new ParameterBound("rows", ParameterBound.Operator.LESS_THAN,
                        IntNode.valueOf(1000))), Duration.ofMinutes(30), maxUses, "nightly sync this week");
    }

    private static ActionSubmission export(String action, int rows, String environment) {
        return new ActionSubmission(action, "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", rows), environment, List.of("alice"), "sync");
    }

    private static StandingApproval grant(EngineFixture fixture, String approver, StandingApprovalSpec spec)
            throws Exception {
        return fixture.engine().grantStanding(person(approver, "data-owners"), spec)
                .toCompletableFuture().get();
    }

    private static RequestView submit(EngineFixture fixture, ActionSubmission submission) throws Exception {
        return fixture.engine().submit(EngineFixture.AGENT, submission, null).toCompletableFuture().get().view();
    }

    private static List<JournalEntry> ofType(EngineFixture fixture, String type) {
        return fixture.journal().read(0, 10_000).stream().filter(e -> e.type().equals(type)).toList();
    }

    @Test
    void aCoveredRequestIsApprovedInTheApproversNameAndEachUseIsJournaledAndCounted() throws Exception {
        try (EngineFixture fixture = fixture()) {
            StandingApproval standing = grant(fixture, "bob", exportsUnder1000("data.export", 2));
            assertEquals(1, ofType(fixture, "standing.granted").size());

            RequestView first = submit(fixture, export("data.export", 500, "staging"));
            assertEquals(RequestStatus.APPROVED, first.status());
            assertEquals(List.of("bob"), first.grant().approvers());
            Vote vote = first.votes().get(0);
            assertEquals(ApprovalEngine.STANDING_CHANNEL, vote.evidence().channel());
            assertEquals(standing.id(), vote.evidence().artifact().path("standing").asText());
            RequestView second = submit(fixture, export("data.export", 999, "staging"));
            assertEquals(RequestStatus.APPROVED, second.status());

            List<JournalEntry> uses = ofType(fixture, "standing.used");
            assertEquals(List.of(first.id(), second.id()), uses.stream().map(e -> e.data().path("request").asText())
                    .toList());
            assertEquals(List.of(1, 2), uses.stream().map(e -> e.data().path("use").asInt()).toList());
            assertEquals(2, fixture.engine().standingApprovals().get(0).uses());

            // the third call is beyond N: normal review
            assertEquals(RequestStatus.PENDING, submit(fixture, export("data.export", 10, "staging")).status());
        }
    }

    @Test
    void callsOutsideTheBoundsGoToNormalReview() throws Exception {
        try (EngineFixture fixture = fixture()) {
            grant(fixture, "bob", exportsUnder1000("data.export", 10));
            assertEquals(RequestStatus.PENDING, submit(fixture, export("data.export", 1000, "staging")).status());
            assertEquals(RequestStatus.PENDING, submit(fixture, export("data.export", 10, "production")).status());
            assertEquals(RequestStatus.PENDING, submit(fixture, new ActionSubmission("data.export",
                    "warehouse.customers", JsonNodeFactory.instance.objectNode(), "staging", List.of("alice"),
                    "no rows stated")).status());
            assertEquals(RequestStatus.PENDING, submit(fixture, new ActionSubmission("data.export",
                    "warehouse.customers", JsonNodeFactory.instance.objectNode().put("rows", 5), "staging", List.of(),
                    "for nobody")).status());
            assertTrue(ofType(fixture, "standing.used").isEmpty());
            assertEquals(0, fixture.engine().standingApprovals().get(0).uses());
        }
    }

    @Test
    void aRouteThatOneReviewerCannotSatisfyAloneGoesToNormalReview() throws Exception {
        try (EngineFixture fixture = fixture()) {
            grant(fixture, "bob", exportsUnder1000("db.delete", 10));
            assertEquals(RequestStatus.PENDING, submit(fixture, export("db.delete", 5, "staging")).status());
        }
    }

    @Test
    void anAllowedRequestDoesNotUseIt() throws Exception {
        try (EngineFixture fixture = fixture()) {
            grant(fixture, "bob", exportsUnder1000("db.query", 1));
            assertEquals(RequestStatus.ALLOWED, submit(fixture, export("db.query", 5, "staging")).status());
            assertEquals(0, fixture.engine().standingApprovals().get(0).uses());
        }
    }

    @Test
    void revocationTakesEffectAtOnceAndSurvivesARestart() throws Exception {
        try (EngineFixture fixture = fixture()) {
            StandingApproval standing = grant(fixture, "bob", exportsUnder1000("data.export", 100));
            assertEquals(RequestStatus.APPROVED, submit(fixture, export("data.export", 5, "staging")).status());

            ExecutionException outsider = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> fixture.engine().revokeStanding(directory.reviewer("sam").orElseThrow(), standing.id()).toCompletableFuture()
                            .get());
            assertEquals(RequestRejectedException.Reason.NOT_ELIGIBLE,
                    ((RequestRejectedException) outsider.getCause()).reason());
            assertEquals(RequestStatus.APPROVED, submit(fixture, export("data.export", 5, "staging")).status());

            StandingApproval revoked = fixture.engine().revokeStanding(directory.reviewer("carol").orElseThrow(), standing.id())
                    .toCompletableFuture().get().orElseThrow();
            assertEquals("carol", revoked.revokedBy());
            assertEquals(RequestStatus.PENDING, submit(fixture, export("data.export", 5, "staging")).status());
            assertEquals(1, ofType(fixture, "standing.revoked").size());
            assertTrue(fixture.engine().revokeStanding(directory.reviewer("bob").orElseThrow(), "no-such-id").toCompletableFuture()
                    .get().isEmpty());

            fixture.restart();
            StandingApproval again = fixture.engine().standingApprovals().get(0);
            assertEquals(2, again.uses());
            assertEquals(revoked.revokedAt(), again.revokedAt());
            assertEquals(RequestStatus.PENDING, submit(fixture, export("data.export", 5, "staging")).status());
        }
    }

    @Test
    void usesTakenBeforeARestartStillCount() throws Exception {
        try (EngineFixture fixture = fixture()) {
            grant(fixture, "bob", exportsUnder1000("data.export", 2));
            assertEquals(RequestStatus.APPROVED, submit(fixture, export("data.export", 5, "staging")).status());
            fixture.restart();
            assertEquals(RequestStatus.APPROVED, submit(fixture, export("data.export", 5, "staging")).status());
            assertEquals(RequestStatus.PENDING, submit(fixture, export("data.export", 5, "staging")).status());
        }
    }

    @Test
    void concurrentCallsNeverExceedTheLimit() throws Exception {
        try (EngineFixture fixture = fixture()) {
            grant(fixture, "bob", exportsUnder1000("data.export", 5));
            List<CompletableFuture<io.countersign.api.Submission>> calls = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                CompletableFuture<io.countersign.api.Submission> call = new CompletableFuture<>();
                calls.add(call);
                Thread thread = new Thread(() -> fixture.engine().submit(EngineFixture.AGENT,
                        export("data.export", 5, "staging"), null).whenComplete((s, f) -> {
                            if (f != null) {
                                call.completeExceptionally(f);
                            } else {
                                call.complete(s);
                            }
                        }));
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            long approved = 0;
            for (CompletableFuture<io.countersign.api.Submission> call : calls) {
                if (call.get().view().status() == RequestStatus.APPROVED) {
                    approved++;
                }
            }
            assertEquals(5, approved);
            assertEquals(5, ofType(fixture, "standing.used").size());
        }
    }

    @Test
    void onlyABoundedGrantByAnEligibleReviewerIsAccepted() throws Exception {
        try (EngineFixture fixture = fixture()) {
            assertRefused(fixture, "sam", exportsUnder1000("data.export", 5), RequestRejectedException.Reason.NOT_ELIGIBLE,
                    directory.reviewer("sam").orElseThrow());
            assertRefused(fixture, "alice", exportsUnder1000("data.export", 5),
                    RequestRejectedException.Reason.NOT_ELIGIBLE, directory.reviewer("alice").orElseThrow());
            StandingApprovalSpec tooLong = new StandingApprovalSpec("data-owners", "etl-agent", List.of("alice"),
                    "data.export", "staging", null, List.of(), Duration.ofHours(9), 5, "too long");
            assertRefused(fixture, "bob", tooLong, RequestRejectedException.Reason.INVALID, directory.reviewer("bob").orElseThrow());
            StandingApprovalSpec noUses = new StandingApprovalSpec("data-owners", "etl-agent", List.of("alice"),
                    "data.export", "staging", null, List.of(), Duration.ofMinutes(30), 0, "none");
            assertRefused(fixture, "bob", noUses, RequestRejectedException.Reason.INVALID, directory.reviewer("bob").orElseThrow());
            assertTrue(ofType(fixture, "standing.granted").isEmpty());
        }
    }

    private static void assertRefused(EngineFixture fixture, String who, StandingApprovalSpec spec,
                                      RequestRejectedException.Reason reason, io.countersign.api.Reviewer reviewer) {
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> fixture.engine().grantStanding(reviewer, spec).toCompletableFuture().get(), who);
        assertEquals(reason, assertInstanceOf(RequestRejectedException.class, failure.getCause()).reason());
    }
}
