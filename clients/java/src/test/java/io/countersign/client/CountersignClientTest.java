package io.countersign.client;

import static io.countersign.client.ScriptedServer.dropConnection;
import static io.countersign.client.ScriptedServer.problem;
import static io.countersign.client.ScriptedServer.slow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CountersignClientTest {

    private static final Action DEPLOY = Action.of("deploy.apply", "prod/payments", "production",
            Map.of("replicas", 3), "alice");

    private final List<ScriptedServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(ScriptedServer::close);
    }

    private ScriptedServer server() throws Exception {
        ScriptedServer server = ScriptedServer.started();
        servers.add(server);
        return server;
    }

    private static CountersignClient client(ScriptedServer server) {
        return CountersignClient.builder(server.uri(), "agent-key").backoff(Duration.ofMillis(20),
                Duration.ofMillis(200)).retryFor(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(5)).build();
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Nested
    class Submitting {

        @Test
        void a503IsRetriedAfterItsRetryAfter_withTheSameIdempotencyKey() throws Exception {
            ScriptedServer server = server().then("/v1/actions",
                    problem(503, "unavailable", "the journal cannot write", Map.of("Retry-After", "1")),
                    RequestJson.answer(201, "r1", "pending", 1, DEPLOY));

            long start = System.nanoTime();
            Submission submission = client(server).submit(DEPLOY, "release", "run-7");

            assertTrue(millisSince(start) >= 1000, "waited the Retry-After: " + millisSince(start) + " ms");
            assertEquals("r1", submission.request().id());
            List<ScriptedServer.Seen> posts = server.seen("/v1/actions");
            assertEquals(2, posts.size());
            assertEquals(IdempotencyKeys.derive(DEPLOY, "release", "run-7"), posts.get(0).header("Idempotency-Key"));
            assertEquals(posts.get(0).header("Idempotency-Key"), posts.get(1).header("Idempotency-Key"));
            assertEquals("Bearer agent-key", posts.get(0).header("Authorization"));
        }

        @Test
        void aRetryAfterBeyondTheBudgetFailsAtOnceAsUnavailable() throws Exception {
            ScriptedServer server = server().then("/v1/actions",
                    problem(503, "unavailable", "the journal cannot write", Map.of("Retry-After", "60")));

            long start = System.nanoTime();
            UnavailableException e = assertThrows(UnavailableException.class,
                    () -> client(server).submit(DEPLOY, "release"));

            assertTrue(millisSince(start) < 2000, "did not sit out a wait it could not finish");
            assertEquals("unavailable", e.reason());
            assertEquals(503, e.status());
            assertEquals("the journal cannot write", e.detail());
        }

        @Test
        void anHttpDateRetryAfterIsHonouredToo() throws Exception {
            String inTwoSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(2));
            ScriptedServer server = server().then("/v1/actions",
                    problem(503, "unavailable", "busy", Map.of("Retry-After", inTwoSeconds)),
                    RequestJson.answer(201, "r1", "pending", 1, DEPLOY));

            long start = System.nanoTime();
            client(server).submit(DEPLOY, "release");

            // the date has a resolution of a second
            assertTrue(millisSince(start) >= 1000, "waited until the date: " + millisSince(start) + " ms");
        }

        @Test
        void aConnectionDroppedMidRequestIsRetried_theKeyMakesItSafe() throws Exception {
            ScriptedServer server = server().then("/v1/actions", dropConnection(),
                    RequestJson.answer(200, "r1", "pending", 1, DEPLOY));

            Submission submission = client(server).submit(DEPLOY, "release");

            assertTrue(submission.replayed(), "200: the server already had the key");
            assertEquals(2, server.seen("/v1/actions").size());
        }

        @Test
        void aRefusedConnectionIsRetriedUntilTheServerListens() throws Exception {
            ScriptedServer server = ScriptedServer.notStarted();
            servers.add(server);
            server.then("/v1/actions", RequestJson.answer(201, "r1", "pending", 1, DEPLOY));
            CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(700);
                    server.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            assertEquals("r1", client(server).submit(DEPLOY, "release").request().id());
        }

        @Test
        void anAnswerWhoseDigestIsNotTheActionsIsRefused() throws Exception {
            Action other = Action.of("deploy.apply", "prod/payments", "production", Map.of("replicas", 30), "alice");
            var view = RequestJson.view("r1", "pending", 1, DEPLOY);
            view.put("digest", other.digest(RequestJson.AGENT));
            ScriptedServer server = server().then("/v1/actions", ScriptedServer.json(201, view.toString()));

            UnexpectedAnswerException e = assertThrows(UnexpectedAnswerException.class,
                    () -> client(server).submit(DEPLOY, "release"));
            assertTrue(e.detail().contains("r1"));
        }
    }

    @Nested
    class Awaiting {

        @Test
        void pollsUntilDecided_reportingEveryChange() throws Exception {
            ScriptedServer server = server().then("/v1/actions/r1",
                    RequestJson.answer(200, "r1", "pending", 1, DEPLOY),
                    RequestJson.answer(200, "r1", "pending", 1, DEPLOY),
                    RequestJson.answer(200, "r1", "pending", 2, DEPLOY),
                    RequestJson.answer(200, "r1", "approved", 3, DEPLOY));
            List<Long> versions = new ArrayList<>();

            Outcome outcome = client(server).await("r1", Instant.now().plusSeconds(30),
                    request -> versions.add(request.version()));

            Outcome.Granted granted = assertInstanceOf(Outcome.Granted.class, outcome);
            assertEquals("token-of-r1", granted.grant().token());
            assertEquals(List.of(1L, 2L, 3L), versions);
            assertTrue(server.seen("/v1/actions/r1").stream().allMatch(s -> s.query().matches("wait=\\d+ms")));
        }

        @Test
        void eachPollWaitsAtMostTheLongestPollAndNeverPastTheDeadline() throws Exception {
            ScriptedServer server = server().otherwise("/v1/actions/r1", slow(300,
                    RequestJson.answer(200, "r1", "pending", 1, DEPLOY)));
            CountersignClient client = CountersignClient.builder(server.uri(), "k")
                    .longestPoll(Duration.ofMillis(400)).build();

            long start = System.nanoTime();
            Outcome outcome = client.await("r1", Instant.now().plusMillis(1500));

            assertInstanceOf(Outcome.Pending.class, outcome);
            assertTrue(millisSince(start) >= 1400 && millisSince(start) < 3000, millisSince(start) + " ms");
            for (ScriptedServer.Seen poll : server.seen("/v1/actions/r1")) {
                long asked = Long.parseLong(poll.query().replaceAll("\\D", ""));
                assertTrue(asked <= 400, "asked to wait " + asked + " ms");
            }
        }

        @Test
        void aServerRestartDuringTheWaitIsWaitedOut_andTheWaitResumes() throws Exception {
            ScriptedServer server = server().then("/v1/actions/r1",
                    RequestJson.answer(200, "r1", "pending", 1, DEPLOY),
                    slow(400, dropConnection()));
            CompletableFuture<Outcome> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return client(server).await("r1", Instant.now().plusSeconds(30));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            server.stop();
            Thread.sleep(1000);
            assertFalse(waiting.isDone(), "still waiting while the server is down");
            server.then("/v1/actions/r1", RequestJson.answer(200, "r1", "approved", 2, DEPLOY));
            server.start();

            assertInstanceOf(Outcome.Granted.class, waiting.get(10, TimeUnit.SECONDS));
        }

        @Test
        void a404WhileTheApiIsNotServingYetIsWaitedOut() throws Exception {
            ScriptedServer server = server()
                    .then("/v1/actions/r1", problem(404, "not-found", "nothing is served at /v1/actions/r1"),
                            RequestJson.answer(200, "r1", "denied", 2, DEPLOY))
                    .then("/v1/health/ready", problem(503, "starting", "starting", Map.of("Retry-After", "1")));

            Outcome outcome = client(server).await("r1", Instant.now().plusSeconds(30));

            assertInstanceOf(Outcome.Denied.class, outcome);
        }

        @Test
        void a404FromAServingApiIsNotFound() throws Exception {
            ScriptedServer server = server()
                    .then("/v1/actions/r9", problem(404, "not-found", "no action request r9 is visible to you"))
                    .then("/v1/health/ready", ScriptedServer.json(200, "{\"ready\":true}"));

            NotFoundException e = assertThrows(NotFoundException.class,
                    () -> client(server).await("r9", Instant.now().plusSeconds(30)));
            assertEquals(404, e.status());
        }

        @Test
        void aServerDownFromTheStartIsUnavailableAtTheDeadline() throws Exception {
            ScriptedServer server = ScriptedServer.notStarted();

            long start = System.nanoTime();
            UnavailableException e = assertThrows(UnavailableException.class,
                    () -> client(server).await("r1", Instant.now().plusMillis(800)));

            assertEquals("unreachable", e.reason());
            assertTrue(millisSince(start) < 1500, millisSince(start) + " ms");
        }
    }

    @Nested
    class ConsumingAndReporting {

        @Test
        void presentsTheGrantWithTheActionAboutToRun() throws Exception {
            ScriptedServer server = server().then("/v1/grants/consume", ScriptedServer.json(200,
                    RequestJson.consumed(RequestJson.view("r1", "approved", 3, DEPLOY)).toString()));
            Grant grant = Views.request(RequestJson.view("r1", "approved", 2, DEPLOY).toString()).grant();

            ActionRequest after = client(server).consume(grant, DEPLOY);

            assertTrue(after.grant().isConsumed());
            String body = server.seen("/v1/grants/consume").get(0).body();
            var sent = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            assertEquals("token-of-r1", sent.path("grant").asText());
            assertEquals(DEPLOY.toJson(), sent.path("action"));
        }

        @Test
        void aConnectionDroppedAfterTheConsumptionWasSentIsNeverRetried() throws Exception {
            ScriptedServer server = server().then("/v1/grants/consume", dropConnection(),
                    RequestJson.answer(200, "r1", "approved", 3, DEPLOY));
            Grant grant = Views.request(RequestJson.view("r1", "approved", 2, DEPLOY).toString()).grant();

            OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
                    () -> client(server).consume(grant, DEPLOY));

            assertEquals("outcome-unknown", e.reason());
            assertEquals(1, server.seen("/v1/grants/consume").size(), "sent once");
        }

        @Test
        void anAnswerSlowerThanTheTimeoutIsAnUnknownOutcome_notARetry() throws Exception {
            ScriptedServer server = server().otherwise("/v1/actions/r1/execution", slow(2000,
                    RequestJson.answer(200, "r1", "approved", 4, DEPLOY)));
            CountersignClient client = CountersignClient.builder(server.uri(), "k")
                    .requestTimeout(Duration.ofMillis(300)).build();

            long start = System.nanoTime();
            assertThrows(OutcomeUnknownException.class,
                    () -> client.reportExecution("r1", ExecutionReport.success(null, "exit 0")));

            assertTrue(millisSince(start) < 1500, millisSince(start) + " ms");
            assertEquals(1, server.seen("/v1/actions/r1/execution").size());
        }

        @Test
        void a503IsRetried_becauseTheServerDidNothing() throws Exception {
            ScriptedServer server = server().then("/v1/grants/consume",
                    problem(503, "unavailable", "the journal cannot write", Map.of("Retry-After", "0")),
                    ScriptedServer.json(200, RequestJson.consumed(RequestJson.view("r1", "approved", 3, DEPLOY))
                            .toString()));
            Grant grant = Views.request(RequestJson.view("r1", "approved", 2, DEPLOY).toString()).grant();

            client(server).consume(grant, DEPLOY);

            assertEquals(2, server.seen("/v1/grants/consume").size());
        }

        @Test
        void a404FromAStartingNodeIsRetried_becauseNoRouteSawIt() throws Exception {
            ScriptedServer server = server()
                    .then("/v1/grants/consume", problem(404, "not-found", "nothing is served at /v1/grants/consume"),
                            ScriptedServer.json(200, RequestJson.consumed(RequestJson.view("r1", "approved", 3,
                                    DEPLOY)).toString()))
                    .then("/v1/health/ready", problem(503, "starting", "starting", Map.of("Retry-After", "1")));
            Grant grant = Views.request(RequestJson.view("r1", "approved", 2, DEPLOY).toString()).grant();

            assertTrue(client(server).consume(grant, DEPLOY).grant().isConsumed());
            assertEquals(2, server.seen("/v1/grants/consume").size());
        }

        @Test
        void aRefusedConnectionIsRetried_becauseNothingWasSent() throws Exception {
            ScriptedServer server = ScriptedServer.notStarted();
            servers.add(server);
            server.then("/v1/actions/r1/execution", RequestJson.answer(200, "r1", "approved", 4, DEPLOY));
            CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    server.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            client(server).reportExecution("r1", ExecutionReport.failure("sha256:" + "a".repeat(64), "exit 3"));

            var sent = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(server.seen("/v1/actions/r1/execution").get(0).body());
            assertEquals("failure", sent.path("outcome").asText());
            assertEquals("sha256:" + "a".repeat(64), sent.path("resultDigest").asText());
            assertEquals("exit 3", sent.path("detail").asText());
        }
    }

    @Nested
    class Problems {

        private <T extends CountersignException> T refusal(ScriptedServer.Step answer, Class<T> expected)
                throws Exception {
            ScriptedServer server = server().then("/v1/grants/consume", answer);
            Grant grant = Views.request(RequestJson.view("r1", "approved", 2, DEPLOY).toString()).grant();
            return assertThrows(expected, () -> client(server).consume(grant, DEPLOY));
        }

        @Test
        void everyGrantRefusalHasItsOwnType_withReasonStatusAndDetail() throws Exception {
            GrantAlreadyConsumedException consumed = refusal(problem(409, "already-consumed", "used at 20:02"),
                    GrantAlreadyConsumedException.class);
            assertEquals("already-consumed", consumed.reason());
            assertEquals(409, consumed.status());
            assertEquals("used at 20:02", consumed.detail());
            assertEquals(403, refusal(problem(403, "action-mismatch", "replicas differ"),
                    ActionMismatchException.class).status());
            assertEquals(410, refusal(problem(410, "expired", "at 20:16"), GrantExpiredException.class).status());
            refusal(problem(400, "invalid-grant", "not ours"), InvalidGrantException.class);
            refusal(problem(404, "unknown-grant", "no such grant"), UnknownGrantException.class);
            refusal(problem(403, "not-yours", "another agent's"), GrantNotYoursException.class);
            refusal(problem(409, "not-consumed", "never consumed"), NotConsumedException.class);
            refusal(problem(409, "already-reported", "reported"), AlreadyReportedException.class);
        }

        @Test
        void otherReasonsAreTypedByKindAndKeepTheirReason() throws Exception {
            assertEquals("invalid-field", refusal(problem(400, "invalid-field", "'/action/resource' is required"),
                    InvalidRequestException.class).reason());
            refusal(problem(401, "unauthenticated", "an agent key is required"), UnauthenticatedException.class);
            assertEquals("not-permitted-to-act-for", refusal(problem(403, "not-permitted-to-act-for", "not alice"),
                    ForbiddenException.class).reason());
            refusal(problem(422, "idempotency-key-reused", "other action"), IdempotencyKeyReusedException.class);
            assertEquals("body-too-large", refusal(problem(413, "body-too-large", "1 MiB"),
                    CountersignException.class).reason());
        }

        @Test
        void anAnswerThatIsNotAProblemIsUnexpected() throws Exception {
            UnexpectedAnswerException e = refusal(ScriptedServer.answer(502, "text/html", "<h1>Bad gateway</h1>",
                    Map.of()), UnexpectedAnswerException.class);
            assertEquals(502, e.status());
            assertTrue(e.detail().contains("Bad gateway"));
        }
    }
}
