package io.countersign.core.internal;

import static io.countersign.core.internal.EngineFixture.person;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionSubmission;
import io.countersign.api.BreakGlassAllowance;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewResult;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Verdict;
import io.countersign.api.testing.InMemoryDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BreakGlassTest {

    @TempDir
    Path dir;

    private final InMemoryDirectory directory = new InMemoryDirectory(person("alice", "analysts"),
            person("bob", "security"),
            person("carol", "security"),
            person("dave", "data-owners"));

    /** Exports may break glass for 5 minutes; queries need review and may not; deletes are denied. */
    private static Decision decide(io.countersign.api.ActionRequest request) {
        ReviewRoute security = new ReviewRoute(List.of(new GroupQuorum("security", 1)), Duration.ofHours(1), 1);
        return switch (request.action().action()) {
            case "data.export" -> new Decision(Outcome.REVIEW, List.of("needs security"), List.of("Export rule"),
                    "sha256:test", security, new BreakGlassAllowance(Duration.ofMinutes(5)));
            case "iam.role.change" -> new Decision(Outcome.REVIEW, List.of("needs security"), List.of("IAM rule"),
                    "sha256:test", security, new BreakGlassAllowance(Duration.ofHours(2)));
            case "db.query" -> new Decision(Outcome.REVIEW, List.of("needs security"), List.of("Query rule"),
                    "sha256:test", security);
            default -> new Decision(Outcome.DENY, List.of("never"), List.of("Deny rule"), "sha256:test", null);
        };
    }

    private EngineFixture fixture() {
        return new EngineFixture(dir, BreakGlassTest::decide).restartWith(directory, ApprovalEngine.Limits.DEFAULT);
    }

    private static ActionSubmission breakGlass(String action, String reason) {
        return new ActionSubmission(action, "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", 10), "production", List.of("alice"),
                "incident 4711", reason);
    }

    private static RequestView submit(EngineFixture fixture, ActionSubmission submission) throws Exception {
        return fixture.engine().submit(EngineFixture.AGENT, submission, null).toCompletableFuture().get().view();
    }

    private static List<JournalEntry> entriesOf(EngineFixture fixture, String requestId) {
        return fixture.journal().read(0, 10_000).stream()
                .filter(e -> requestId.equals(e.data().path("request").asText())).toList();
    }

    @Test
    void aBlankReasonIsRefusedBeforeAnythingIsRecorded() {
        assertThrows(IllegalArgumentException.class, () -> breakGlass("data.export", "  "));
    }

    @Test
    void whereThePolicyAllowsIt_theActionIsAllowedAtOnceWithAShortGrantAndAPostIncidentReview() throws Exception {
        try (EngineFixture fixture = fixture()) {
            RequestView view = submit(fixture, breakGlass("data.export", "prod outage, customer data must be restored"));

            assertEquals(RequestStatus.ALLOWED, view.status());
            assertNotNull(view.grant());
            assertEquals(Duration.ofMinutes(5), Duration.between(view.grant().issuedAt(), view.grant().expiresAt()));
            assertEquals("prod outage, customer data must be restored", view.breakGlass().reason());
            assertEquals(List.of("request.received", "breakglass.invoked", "policy.decided", "grant.issued"),
                    entriesOf(fixture, view.id()).stream().map(JournalEntry::type).toList());
            JournalEntry decided = entriesOf(fixture, view.id()).get(2);
            assertEquals("allowed", decided.data().path("status").asText());
            assertEquals(view.breakGlass().reviewRequest(),
                    decided.data().path("breakGlass").path("reviewRequest").asText());
            assertTrue(decided.data().path("context").path("breakGlass").asBoolean());

            RequestView review = fixture.engine().find(view.breakGlass().reviewRequest()).orElseThrow();
            assertEquals(RequestStatus.PENDING, review.status());
            assertEquals(ApprovalEngine.POST_INCIDENT_REVIEW, review.request().action().action());
            assertEquals(view.id(), review.request().action().parameters().path("request").asText());
            assertEquals(Duration.ofDays(3), review.decision().route().timeout());
            // every eligible reviewer has it at once; the human the agent acted for does not
            assertEquals(List.of(review.id()), fixture.engine().pendingFor(directory.reviewer("bob").orElseThrow()).stream()
                    .map(RequestView::id).toList());
            assertEquals(List.of(review.id()), fixture.engine().pendingFor(directory.reviewer("carol").orElseThrow()).stream()
                    .map(RequestView::id).toList());
            assertTrue(fixture.engine().pendingFor(directory.reviewer("alice").orElseThrow()).isEmpty());
        }
    }

    @Test
    void thePostIncidentReviewIsReviewedLikeAnyRequestButIssuesNoGrant() throws Exception {
        try (EngineFixture fixture = fixture()) {
            RequestView view = submit(fixture, breakGlass("data.export", "outage"));
            String reviewId = view.breakGlass().reviewRequest();
            ReviewResult self = fixture.engine().review(directory.reviewer("alice").orElseThrow(), reviewId, Verdict.APPROVE, "fine")
                    .toCompletableFuture().get().orElseThrow();
            assertEquals(RefusalReason.SELF_APPROVAL, ((ReviewResult.Refused) self).reason());
            RequestView approved = fixture.engine().review(directory.reviewer("bob").orElseThrow(), reviewId, Verdict.APPROVE,
                    "justified").toCompletableFuture().get().orElseThrow().view();
            assertEquals(RequestStatus.APPROVED, approved.status());
            assertNull(approved.grant());
        }
    }

    @Test
    void theGrantLivesNoLongerThanTheConfiguredMaximum() throws Exception {
        try (EngineFixture fixture = fixture()) {
            RequestView view = submit(fixture, breakGlass("iam.role.change", "on-call needs access"));
            assertEquals(Duration.ofMinutes(15), Duration.between(view.grant().issuedAt(), view.grant().expiresAt()));
        }
    }

    @Test
    void whereThePolicyDoesNotAllowIt_itIsDeniedAndTheAttemptIsJournaled() throws Exception {
        try (EngineFixture fixture = fixture()) {
            RequestView view = submit(fixture, breakGlass("db.query", "in a hurry"));
            assertEquals(RequestStatus.DENIED, view.status());
            assertNull(view.grant());
            assertNull(view.breakGlass());
            assertTrue(view.decision().reasons().get(0).contains("does not allow break-glass"), view.decision()
                    .reasons().toString());
            assertEquals(List.of("request.received", "breakglass.invoked", "policy.decided"),
                    entriesOf(fixture, view.id()).stream().map(JournalEntry::type).toList());
            assertTrue(fixture.engine().pending().isEmpty(), "no review is raised for a refused break-glass");
        }
    }

    @Test
    void aDenialStaysADenial() throws Exception {
        try (EngineFixture fixture = fixture()) {
            RequestView view = submit(fixture, breakGlass("db.delete", "please"));
            assertEquals(RequestStatus.DENIED, view.status());
            assertEquals(List.of("never"), view.decision().reasons());
        }
    }

    @Test
    void withoutBreakGlassTheSameActionGoesToReview() throws Exception {
        try (EngineFixture fixture = fixture()) {
            RequestView view = submit(fixture, new ActionSubmission("data.export", "warehouse.customers",
                    JsonNodeFactory.instance.objectNode().put("rows", 10), "production", List.of("alice"),
                    "incident 4711"));
            assertEquals(RequestStatus.PENDING, view.status());
            assertNull(view.grant());
        }
    }

    @Test
    void aRestartKeepsTheBreakGlassAndItsPendingReview() throws Exception {
        try (EngineFixture fixture = fixture()) {
            RequestView view = submit(fixture, breakGlass("data.export", "outage"));
            fixture.restart();
            RequestView again = fixture.engine().find(view.id()).orElseThrow();
            assertEquals(view.breakGlass(), again.breakGlass());
            assertEquals(view.grant().expiresAt().truncatedTo(ChronoUnit.SECONDS), again.grant().expiresAt());
            assertEquals(RequestStatus.PENDING,
                    fixture.engine().find(view.breakGlass().reviewRequest()).orElseThrow().status());
            assertFalse(fixture.engine().pendingFor(directory.reviewer("bob").orElseThrow()).isEmpty());
        }
    }
}
