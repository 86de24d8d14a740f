package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.countersign.client.Action;
import io.countersign.client.ActionMismatchException;
import io.countersign.client.ActionRequest;
import io.countersign.client.AlreadyReportedException;
import io.countersign.client.CountersignClient;
import io.countersign.client.ExecutionReport;
import io.countersign.client.GrantAlreadyConsumedException;
import io.countersign.client.Outcome;
import io.countersign.client.Status;
import io.countersign.client.Submission;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The Java client against the assembled distribution, run as a process (so that it can be restarted). */
public class ClientIT {

    private static final String AGENT = "analytics-agent";
    private static Distribution distribution;
    private static Credentials credentials;

    @BeforeClass
    public static void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "client-");
        distribution = Distribution.unpack(dir.resolve("countersign"));
        distribution.start();
        credentials = Credentials.read(distribution.data().resolve("demo-credentials.json"));
    }

    @AfterClass
    public static void stop() throws Exception {
        if (distribution != null) {
            distribution.close();
        }
    }

    private static CountersignClient client() {
        return CountersignClient.builder(URI.create(distribution.baseUrl()), credentials.agentKey(AGENT))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).longestPoll(Duration.ofSeconds(2)).build();
    }

    /** Two data owners must approve this export (the default policy pack). */
    private static Action largeExport() {
        return Action.of("data.export", "warehouse.customers", "production",
                Map.of("rows", 50000, "containsPii", true), "alice");
    }

    private static void approve(String requestId, String... reviewers) throws Exception {
        for (String reviewer : reviewers) {
            Api.Answer vote = distribution.api().post("/v1/actions/" + requestId + "/reviews",
                    credentials.reviewerToken(reviewer), "{\"verdict\":\"approve\",\"comment\":\"ok\"}");
            assertEquals(vote.raw(), 200, vote.status());
        }
    }

    @Test
    public void anAllowedActionIsSubmittedConsumedAndReported() throws Exception {
        CountersignClient countersign = client();
        Action query = Action.of("db.query", "analytics.events", "staging", Map.of("sql", "select 1"), "alice");

        Submission submission = countersign.submit(query, "nightly check", UUID.randomUUID().toString());

        Outcome.Granted granted = (Outcome.Granted) submission.outcome();
        assertEquals(Status.ALLOWED, granted.request().status());
        assertEquals(query.digest(AGENT), granted.request().digest());
        assertNotNull(granted.grant().token());
        ActionRequest consumed = countersign.consume(granted.grant(), query);
        assertTrue(consumed.grant().isConsumed());
        String digest = "sha256:" + "ab".repeat(32);
        ActionRequest reported = countersign.reportExecution(consumed.id(), ExecutionReport.success(digest, "exit 0"));
        assertEquals("success", reported.execution().outcome());
        assertEquals(digest, reported.execution().resultDigest());

        GrantAlreadyConsumedException again = assertThrows(GrantAlreadyConsumedException.class,
                () -> countersign.consume(granted.grant(), query));
        assertEquals(409, again.status());
        assertThrows(AlreadyReportedException.class,
                () -> countersign.reportExecution(consumed.id(), ExecutionReport.failure(null, "twice")));
    }

    @Test
    public void aReviewApprovedByTwoDataOwnersIsSeenByTheWaitingClient_andBindsTheGrantToTheAction() throws Exception {
        CountersignClient countersign = client();
        Action export = largeExport();
        Submission submission = countersign.submit(export, "quarterly churn report", UUID.randomUUID().toString());
        String id = submission.request().id();
        assertEquals(Status.PENDING, submission.request().status());
        List<ActionRequest> seen = new CopyOnWriteArrayList<>();

        CompletableFuture<Outcome> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return countersign.await(id, Instant.now().plusSeconds(60), seen::add);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Poll.until("the client's first look at the request", Duration.ofSeconds(10), () -> !seen.isEmpty(),
                () -> "nothing seen");
        approve(id, "bob");
        Poll.until("bob's vote seen while waiting", Duration.ofSeconds(10),
                () -> seen.stream().anyMatch(r -> r.votes().size() == 1), () -> seen.toString());
        assertFalse("one data owner is not enough", waiting.isDone());
        approve(id, "carol");

        Outcome.Granted granted = (Outcome.Granted) waiting.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("bob", "carol"), granted.grant().approvers().stream().sorted().toList());
        Action edited = Action.of("data.export", "warehouse.customers", "production",
                Map.of("rows", 500000, "containsPii", true), "alice");
        assertThrows(ActionMismatchException.class, () -> countersign.consume(granted.grant(), edited));
        assertTrue(countersign.consume(granted.grant(), export).grant().isConsumed());
    }

    @Test
    public void aSubmissionRepeatedAfterACrashFindsTheSameRequest() throws Exception {
        String occurrence = "change-" + UUID.randomUUID();
        Submission first = client().submit(largeExport(), "quarterly churn report", occurrence);

        // another process of the same agent, after the first died before it kept the request id
        Submission again = client().submit(largeExport(), "quarterly churn report", occurrence);

        assertEquals(first.request().id(), again.request().id());
        assertFalse(first.replayed());
        assertTrue(again.replayed());
        assertEquals(first.idempotencyKey(), again.idempotencyKey());
        Submission otherOccurrence = client().submit(largeExport(), "quarterly churn report", occurrence + "-2");
        assertNotEquals(first.request().id(), otherOccurrence.request().id());

        approve(first.request().id(), "bob", "carol");
        Outcome.Granted granted = (Outcome.Granted) client().await(first.request().id(), Instant.now().plusSeconds(30));
        client().consume(granted.grant(), largeExport());
        Submission afterUse = client().submit(largeExport(), "quarterly churn report", occurrence);
        assertEquals("a closed request is found again too", first.request().id(), afterUse.request().id());
        assertTrue(afterUse.request().grant().isConsumed());
    }

    @Test
    public void aWaitResumesAcrossARestartOfTheServer() throws Exception {
        CountersignClient countersign = client();
        Submission submission = countersign.submit(largeExport(), "quarterly churn report",
                UUID.randomUUID().toString());
        String id = submission.request().id();
        List<ActionRequest> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Outcome> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return countersign.await(id, Instant.now().plusSeconds(240), seen::add);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Poll.until("the client's first look at the request", Duration.ofSeconds(10), () -> !seen.isEmpty(),
                () -> "nothing seen");

        distribution.stop();
        Thread.sleep(1000);
        assertFalse("still waiting while the server is down", waiting.isDone());
        distribution.start();
        assertFalse("still waiting after the restart", waiting.isDone());
        approve(id, "bob", "carol");

        Outcome outcome = waiting.get(60, TimeUnit.SECONDS);
        assertTrue(outcome.toString(), outcome instanceof Outcome.Granted);
        assertEquals(Status.APPROVED, outcome.request().status());
    }
}
