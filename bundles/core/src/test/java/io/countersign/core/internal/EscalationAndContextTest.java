package io.countersign.core.internal;

import static io.countersign.core.internal.EngineFixture.person;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.api.Decision;
import io.countersign.api.Escalation;
import io.countersign.api.GroupQuorum;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.RequesterActivity;
import io.countersign.api.ReviewResult;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Verdict;
import io.countersign.api.testing.InMemoryDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EscalationAndContextTest {

    @TempDir
    Path dir;

    private final InMemoryDirectory directory = new InMemoryDirectory(person("alice", "analysts", "finance"),
            person("dora", "data-owners"),
            person("sam", "security"),
            person("lee", "security-leads"));

    /** Data owners first; after 300 ms security is asked too, after 600 ms the security leads. */
    private static Decision decide(io.countersign.api.ActionRequest request) {
        return new Decision(Outcome.REVIEW, List.of("needs a data owner"), List.of("Export rule"), "sha256:test",
                new ReviewRoute(List.of(new GroupQuorum("data-owners", 1)), Duration.ofSeconds(30), 1,
                        List.of(new Escalation(Duration.ofMillis(600), "security-leads"),
                                new Escalation(Duration.ofMillis(300), "security")), List.of("email")));
    }

    private EngineFixture fixture() {
        return new EngineFixture(dir, EscalationAndContextTest::decide).restartWith(directory,
                ApprovalEngine.Limits.DEFAULT);
    }

    private static RequestView submit(EngineFixture fixture) throws Exception {
        return fixture.engine().submit(EngineFixture.AGENT, EngineFixture.submission("data.export", List.of("alice")),
                null).toCompletableFuture().get().view();
    }

    private static RequestView awaitLevel(EngineFixture fixture, String id, int level) throws Exception {
        RequestView view = fixture.engine().find(id).orElseThrow();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (view.escalationLevel() < level && System.nanoTime() < until) {
            view = fixture.engine().awaitChange(id, view.version(), Duration.ofSeconds(5)).toCompletableFuture().get()
                    .orElseThrow();
        }
        return view;
    }

    @Test
    void theLadderAsksTheNextGroupsInTurnAndTheirApprovalFillsTheEmptySeat() throws Exception {
        try (EngineFixture fixture = fixture()) {
            RequestView view = submit(fixture);
            assertEquals(List.of("data-owners"), view.eligibleGroups());
            assertEquals(List.of("security", "security-leads"), view.decision().route().escalations().stream()
                    .map(Escalation::group).toList(), "the ladder is ordered by time");
            ReviewResult early = fixture.engine().review(directory.reviewer("sam").orElseThrow(), view.id(), Verdict.APPROVE, "me?")
                    .toCompletableFuture().get().orElseThrow();
            assertEquals(RefusalReason.NOT_ELIGIBLE, assertInstanceOf(ReviewResult.Refused.class, early).reason());

            RequestView escalated = awaitLevel(fixture, view.id(), 1);
            assertEquals(1, escalated.escalationLevel());
            assertEquals(List.of("data-owners", "security"), escalated.eligibleGroups());
            assertEquals(List.of(view.id()), fixture.engine().pendingFor(directory.reviewer("sam").orElseThrow()).stream()
                    .map(RequestView::id).toList());
            assertTrue(fixture.engine().pendingFor(directory.reviewer("lee").orElseThrow()).isEmpty());

            RequestView twice = awaitLevel(fixture, view.id(), 2);
            assertEquals(List.of("data-owners", "security", "security-leads"), twice.eligibleGroups());

            RequestView approved = fixture.engine().review(directory.reviewer("sam").orElseThrow(), view.id(), Verdict.APPROVE, "ok")
                    .toCompletableFuture().get().orElseThrow().view();
            assertEquals(RequestStatus.APPROVED, approved.status());

            List<JournalEntry> steps = fixture.journal().read(0, 100).stream()
                    .filter(e -> e.type().equals("request.escalated")).toList();
            assertEquals(List.of("security", "security-leads"), steps.stream()
                    .map(e -> e.data().path("group").asText()).toList());
            fixture.restart();
            assertEquals(2, fixture.engine().find(view.id()).orElseThrow().escalationLevel());
        }
    }

    @Test
    void aRestartResumesTheLadderWhereItStood() throws Exception {
        try (EngineFixture fixture = fixture()) {
            RequestView view = submit(fixture);
            fixture.restart();
            RequestView escalated = awaitLevel(fixture, view.id(), 2);
            assertEquals(2, escalated.escalationLevel());
            assertEquals(RequestStatus.PENDING, escalated.status());
        }
    }

    @Test
    void thePolicySeesTheGroupsOfTheHumansActedForAndTheAgentsHistory_andTheJournalKeepsWhatItSaw() throws Exception {
        try (EngineFixture fixture = fixture()) {
            submit(fixture);
            submit(fixture);
            RequestView third = submit(fixture);
            JournalEntry decided = fixture.journal().read(0, 100).stream()
                    .filter(e -> e.type().equals("policy.decided")
                            && e.data().path("request").asText().equals(third.id())).findFirst().orElseThrow();
            JsonNode context = decided.data().path("context");
            assertEquals("[\"analysts\",\"finance\"]", context.path("humanGroups").path("alice").toString());
            assertEquals(2, context.path("sameActionToday").asLong());
            assertEquals(2, context.path("sameActionLastHour").asLong());
            assertEquals(false, context.path("breakGlass").asBoolean());
            assertEquals(List.of("email"), third.decision().route().channels());

            fixture.restart();
            RequestView fourth = submit(fixture);
            JournalEntry afterRestart = fixture.journal().read(0, 100).stream()
                    .filter(e -> e.type().equals("policy.decided")
                            && e.data().path("request").asText().equals(fourth.id())).findFirst().orElseThrow();
            assertEquals(3, afterRestart.data().path("context").path("sameActionToday").asLong(),
                    "the counts are rebuilt from the journal");
            assertEquals(new RequesterActivity(4, 4),
                    fixture.engine().activity(EngineFixture.AGENT.id(), "data.export"),
                    "what a reviewer is shown counts this request too");
            assertEquals(new RequesterActivity(0, 0), fixture.engine().activity(EngineFixture.AGENT.id(), "db.query"));
        }
    }
}
