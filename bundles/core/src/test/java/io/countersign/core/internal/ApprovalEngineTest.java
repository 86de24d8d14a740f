package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Submission;
import io.countersign.api.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalEngineTest {

    private static final Reviewer BOB = new Reviewer("bob", Set.of("data-owners"));
    private static final Reviewer CAROL = new Reviewer("carol", Set.of("data-owners"));
    private static final Reviewer ALICE = new Reviewer("alice", Set.of("data-owners"));

    @TempDir
    Path dir;

    private static Decision allow() {
        return new Decision(Outcome.ALLOW, List.of("read-only"), List.of("allow reads"), "sha256:test", null);
    }

    private static Submission submit(EngineFixture fixture, String action, String key) throws Exception {
        return fixture.engine().submit(EngineFixture.AGENT, EngineFixture.submission(action, List.of("alice")), key)
                .toCompletableFuture().get();
    }

    private static List<String> types(EngineFixture fixture) {
        return fixture.journal().read(0, 10_000).stream().map(JournalEntry::type).toList();
    }

    @Test
    void anAllowedRequestIsJournaledWithItsDecisionBeforeTheAnswer() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            Submission submission = submit(fixture, "db.query", null);
            assertEquals(RequestStatus.ALLOWED, submission.view().status());
            assertEquals(List.of("request.received", "policy.decided", "grant.issued"), types(fixture));
            JournalEntry decided = fixture.journal().read(1, 1).get(0);
            assertEquals(submission.view().id(), decided.data().path("request").asText());
            assertEquals("allowed", decided.data().path("status").asText());
            assertEquals(submission.view().grant().id(), fixture.journal().read(2, 1).get(0).data().path("grant")
                    .asText(), "the answer carries the grant that was journaled");
        }
    }

    @Test
    void anAgentCannotActForAHumanItIsNotRegisteredFor_andNothingIsJournaled() {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> fixture.engine()
                    .submit(EngineFixture.AGENT, EngineFixture.submission("db.query", List.of("mallory")), null)
                    .toCompletableFuture().get());
            RequestRejectedException rejected = assertInstanceOf(RequestRejectedException.class, e.getCause());
            assertEquals(RequestRejectedException.Reason.NOT_PERMITTED_TO_ACT_FOR, rejected.reason());
            assertEquals(0, fixture.journal().size());
        }
    }

    @Test
    void anIdempotencyKeyReturnsTheSameRequest_andRefusesADifferentAction() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            Submission first = submit(fixture, "db.query", "retry-1");
            Submission again = submit(fixture, "db.query", "retry-1");
            assertFalse(first.replayed());
            assertTrue(again.replayed());
            assertEquals(first.view().id(), again.view().id());
            ExecutionException e = assertThrows(ExecutionException.class, () -> submit(fixture, "db.write", "retry-1"));
            assertEquals(RequestRejectedException.Reason.IDEMPOTENCY_KEY_REUSED,
                    ((RequestRejectedException) e.getCause()).reason());
            assertEquals(3, fixture.journal().size(), "one request, its decision and its grant");

            fixture.restart();
            assertEquals(first.view().id(), submit(fixture, "db.query", "retry-1").view().id(),
                    "idempotency keys survive a restart");
        }
    }

    @Test
    void concurrentRetriesWithOneIdempotencyKeyCreateOneRequest() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Submission>> results = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    results.add(pool.submit(() -> submit(fixture, "db.query", "same-key")));
                }
                Set<String> ids = new java.util.HashSet<>();
                for (Future<Submission> result : results) {
                    ids.add(result.get().view().id());
                }
                assertEquals(1, ids.size());
                assertEquals(3, fixture.journal().size(), "one request, its decision and its grant");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void twoRacingLastVotesNeverBothCountAndNeverBothGetLost() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> EngineFixture.review(Duration.ofHours(1), 1,
                new GroupQuorum("data-owners", 2)))) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 100; round++) {
                    String id = submit(fixture, "data.export", null).view().id();
                    review(fixture, new Reviewer("dora", Set.of("data-owners")), id, Verdict.APPROVE);
                    CountDownLatch go = new CountDownLatch(1);
                    Future<ReviewResult> first = pool.submit(() -> {
                        go.await();
                        return review(fixture, BOB, id, Verdict.APPROVE);
                    });
                    Future<ReviewResult> second = pool.submit(() -> {
                        go.await();
                        return review(fixture, CAROL, id, Verdict.APPROVE);
                    });
                    go.countDown();
                    List<ReviewResult> results = List.of(first.get(), second.get());
                    long accepted = results.stream().filter(r -> r instanceof ReviewResult.Accepted).count();
                    assertEquals(1, accepted, "exactly one racing last vote counts");
                    ReviewResult.Refused loser = (ReviewResult.Refused) results.stream()
                            .filter(r -> r instanceof ReviewResult.Refused).findFirst().orElseThrow();
                    assertEquals("not-pending", loser.reason().code());
                    RequestView view = fixture.engine().find(id).orElseThrow();
                    assertEquals(RequestStatus.APPROVED, view.status());
                    assertEquals(2, view.votes().size());
                }
                long approvals = types(fixture).stream().filter("request.approved"::equals).count();
                assertEquals(100, approvals, "one approval entry per request, never two");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aRequestExpiresAtItsDeadline_andTheExpiryIsJournaled() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> EngineFixture.review(Duration.ofMillis(300), 1,
                new GroupQuorum("data-owners", 1)))) {
            RequestView pending = submit(fixture, "data.export", null).view();
            assertEquals(RequestStatus.PENDING, pending.status());
            Optional<RequestView> changed = fixture.engine().awaitChange(pending.id(), pending.version(),
                    Duration.ofSeconds(5)).toCompletableFuture().get();
            assertEquals(RequestStatus.EXPIRED, changed.orElseThrow().status());
            assertTrue(types(fixture).contains("request.expired"));
            ReviewResult late = review(fixture, BOB, pending.id(), Verdict.APPROVE);
            assertEquals("not-pending", ((ReviewResult.Refused) late).reason().code());
        }
    }

    @Test
    void deadlinesKeepRunningAcrossARestart() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> EngineFixture.review(Duration.ofMillis(1500), 1,
                new GroupQuorum("data-owners", 1)))) {
            RequestView pending = submit(fixture, "data.export", null).view();
            fixture.restart();
            RequestView recovered = fixture.engine().find(pending.id()).orElseThrow();
            assertEquals(RequestStatus.PENDING, recovered.status());
            assertEquals(pending.deadline(), recovered.deadline());
            RequestView expired = fixture.engine().awaitChange(pending.id(), recovered.version(),
                    Duration.ofSeconds(5)).toCompletableFuture().get().orElseThrow();
            assertEquals(RequestStatus.EXPIRED, expired.status());
            assertFalse(Instant.now().isBefore(pending.deadline()));
        }
    }

    @Test
    void aLongPollReturnsTheCurrentViewWhenNothingChanges() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> EngineFixture.review(Duration.ofHours(1), 1,
                new GroupQuorum("data-owners", 1)))) {
            RequestView pending = submit(fixture, "data.export", null).view();
            CompletableFuture<Optional<RequestView>> poll = fixture.engine()
                    .awaitChange(pending.id(), pending.version(), Duration.ofMillis(200)).toCompletableFuture();
            assertEquals(pending.version(), poll.get().orElseThrow().version());
            CompletableFuture<Optional<RequestView>> woken = fixture.engine()
                    .awaitChange(pending.id(), pending.version(), Duration.ofSeconds(30)).toCompletableFuture();
            review(fixture, BOB, pending.id(), Verdict.APPROVE);
            assertEquals(RequestStatus.APPROVED, woken.get().orElseThrow().status());
        }
    }

    @Test
    void theReviewQueueShowsOnlyWhatTheReviewerMayDecide() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> EngineFixture.review(Duration.ofHours(1), 1,
                new GroupQuorum("data-owners", 2)))) {
            String id = submit(fixture, "data.export", null).view().id();
            assertEquals(List.of(id), fixture.engine().pendingFor(BOB).stream().map(RequestView::id).toList());
            assertTrue(fixture.engine().pendingFor(ALICE).isEmpty(), "alice is the human the agent acts for");
            assertTrue(fixture.engine().pendingFor(new Reviewer("dave", Set.of("security"))).isEmpty());
            review(fixture, BOB, id, Verdict.APPROVE);
            assertTrue(fixture.engine().pendingFor(BOB).isEmpty(), "bob has voted");
            assertEquals(1, fixture.engine().pendingFor(CAROL).size());
        }
    }

    @Test
    void refusedVotesAreJournaledWithTheirReason() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> EngineFixture.review(Duration.ofHours(1), 1,
                new GroupQuorum("data-owners", 1)))) {
            String id = submit(fixture, "data.export", null).view().id();
            review(fixture, ALICE, id, Verdict.APPROVE);
            JournalEntry refused = fixture.journal().read(2, 1).get(0);
            assertEquals("review.refused", refused.type());
            assertEquals("self-approval", refused.data().path("reason").asText());
            assertEquals("alice", refused.data().path("reviewer").asText());
        }
    }

    @Test
    void aRequestReceivedButNeverDecidedIsDeniedOnRecovery() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            var request = new io.countersign.api.ActionRequest("orphan",
                    new io.countersign.api.Action("db.query", "db", null, "staging", "etl-agent", List.of()),
                    "why", "sha256:x", Instant.now(), null);
            fixture.journal().append("request.received", JournalCodec.received(request, EngineFixture.AGENT)).get();
            fixture.restart();
            RequestView view = fixture.engine().find("orphan").orElseThrow();
            assertEquals(RequestStatus.DENIED, view.status());
            assertEquals(Outcome.DENY, view.decision().outcome());
            assertEquals("policy.decided", fixture.journal().read(1, 1).get(0).type());
        }
    }

    private static ReviewResult review(EngineFixture fixture, Reviewer reviewer, String id, Verdict verdict)
            throws Exception {
        return fixture.engine().review(reviewer, id, verdict, null).toCompletableFuture().get().orElseThrow();
    }
}
