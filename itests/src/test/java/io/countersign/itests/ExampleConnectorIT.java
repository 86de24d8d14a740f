package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A third-party connector (examples/filedrop-intake: its own pom, outside the reactor, compiled against the released
 * countersign-api only) built with Maven, deployed into a running installation from its own features repository and
 * from the deploy/ folder, working end to end through the SPI (a request it submits is reviewed, through it and
 * through the API, approved, journaled, and its grant consumed), and removed again without leaving anything running.
 */
public class ExampleConnectorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String AGENT = "analytics-agent";
    /** 50,000 rows of personal data from production: two data owners must approve (rules/data-export.drl). */
    private static final String EXPORT = Api.action("data.export", "warehouse.customers", "production",
            "{\"rows\":50000,\"containsPii\":true}", "alice");
    /** A read-only query in staging: allowed at once. */
    private static final String QUERY = Api.action("db.query", "analytics.events", "staging", "{}", "alice");

    private static Path home;
    private static Distribution distribution;
    private static ExampleConnector.Built connector;
    private static Credentials credentials;

    @BeforeClass
    public static void buildTheConnectorAndStartCountersign() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "example-connector-");
        connector = ExampleConnector.build(Files.createDirectories(dir.resolve("example")));
        home = dir.resolve("countersign");
        distribution = Distribution.unpack(home);
        connector.publishInto(home);
        distribution.start();
        credentials = Credentials.read(distribution.data().resolve("demo-credentials.json"));
    }

    @AfterClass
    public static void stopCountersign() throws Exception {
        if (distribution != null) {
            distribution.close();
        }
    }

    @Test
    public void fromItsOwnFeaturesRepository_theConnectorSubmitsReviewsAndJournals_andUninstallsCleanly()
            throws Exception {
        assertConsole("feature:repo-add " + ExampleConnector.FEATURES_URL);
        assertConsole("feature:install " + ExampleConnector.FEATURE);
        Path drops = distribution.data().resolve("filedrop");
        try {
            awaitBundle(true);
            Poll.until("inbox made by the connector", WAIT, () -> Files.isDirectory(drops.resolve("inbox/reviews")),
                    () -> "nothing in " + drops);
            Api api = distribution.api();
            Ledger ledger = new Ledger(api, credentials.reviewerToken("erin"));

            // an agent asks by dropping a file; the answer is the request as the core recorded it
            drop(drops, "requests", "export-1.json", request(credentials.agentKey(AGENT), EXPORT));
            JsonNode pending = awaitAnswer(drops, "requests", "export-1.json", a -> a.has("id"));
            assertEquals(pending.toString(), "pending", pending.path("status").asText());
            assertFalse(pending.path("replayed").asBoolean());
            assertFalse("a settled drop is removed", Files.exists(drops.resolve("inbox/requests/export-1.json")));
            String id = pending.path("id").asText();
            String digest = pending.path("digest").asText();
            Api.Answer shown = api.get("/v1/actions/" + id, credentials.reviewerToken("bob"));
            assertEquals(shown.raw(), "pending", shown.text("status"));
            assertEquals(AGENT, shown.text("requester"));
            assertEquals(digest, shown.text("digest"));

            // one data owner answers through the connector, the other through the API: one request, one quorum
            drop(drops, "reviews", "carol-1.json", review(credentials.reviewerToken("carol"), id, digest,
                    "approve"));
            JsonNode counted = awaitAnswer(drops, "reviews", "carol-1.json", a -> true);
            assertTrue(counted.toString(), counted.path("counted").asBoolean());
            assertEquals(counted.toString(), "pending", counted.path("requestStatus").asText());
            Api.Answer bob = api.post("/v1/actions/" + id + "/reviews", credentials.reviewerToken("bob"),
                    "{\"verdict\":\"approve\"}");
            assertEquals(bob.raw(), 200, bob.status());
            JsonNode approved = awaitAnswer(drops, "requests", "export-1.json",
                    a -> "approved".equals(a.path("status").asText()) && a.has("grant"));
            assertEquals(approved.toString(), "[\"bob\",\"carol\"]", approved.path("grant").path("approvers").toString());
            assertEquals(approved.toString(), List.of("carol:filedrop", "bob:api"), channels(approved));

            // the grant the connector handed back is the real one: the enforcement point consumes it
            Api.Answer consumed = api.post("/v1/grants/consume", credentials.agentKey(AGENT), "{\"grant\":\""
                    + approved.path("grant").path("token").asText() + "\",\"action\":" + EXPORT + "}");
            assertEquals(consumed.raw(), 200, consumed.status());

            // the connector's vote is journaled with what it verified
            JsonNode vote = Ledger.matching(ledger.about(id), "review.accepted",
                    d -> d.path("reviewer").asText().equals("carol")).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("no vote of carol journaled"));
            JsonNode voted = vote.path("data");
            assertEquals(voted.toString(), "filedrop", voted.path("channel").asText());
            assertEquals(voted.toString(), digest, voted.path("evidence").path("digestShown").asText());
            assertTrue(voted.toString(), voted.path("evidence").path("replayKey").asText().startsWith("filedrop:"));
            assertEquals(voted.toString(), "carol-1.json", voted.path("evidence").path("artifact").path("file")
                    .asText());
            assertFalse("no token in the journal", vote.toString().contains(credentials.reviewerToken("carol")));

            // the file's name is the idempotency key: dropped again, it is the same request
            drop(drops, "requests", "export-1.json", request(credentials.agentKey(AGENT), EXPORT));
            JsonNode replayed = awaitAnswer(drops, "requests", "export-1.json",
                    a -> a.path("replayed").asBoolean());
            assertEquals(replayed.toString(), id, replayed.path("id").asText());

            // fail closed: an unknown key submits nothing, an unknown reviewer counts nothing but is journaled
            long mark = ledger.size();
            drop(drops, "requests", "stranger.json", request("not-an-agent-key", EXPORT));
            JsonNode unauthenticated = awaitAnswer(drops, "requests", "stranger.json", a -> true);
            assertProblem(unauthenticated, 401, "unauthenticated");
            drop(drops, "requests", "broken.json", "{\"agentKey\": \"x\", \"action\": ");
            assertProblem(awaitAnswer(drops, "requests", "broken.json", a -> true), 400, "malformed-json");
            drop(drops, "reviews", "forged.json", review("not-a-reviewer-token", id, digest, "approve"));
            assertProblem(awaitAnswer(drops, "reviews", "forged.json", a -> true), 401, "unauthenticated");
            Poll.until("refused review in the journal", WAIT, () -> !Ledger.matching(ledger.since(mark),
                    "channel.refused", d -> d.path("channel").asText().equals("filedrop")
                            && d.path("code").asText().equals("unknown-reviewer")
                            && d.path("evidence").path("file").asText().equals("forged.json")).isEmpty(),
                    () -> Ledger.describe(ledger.since(mark)));
            assertTrue(Ledger.describe(ledger.since(mark)),
                    Ledger.ofType(ledger.since(mark), "request.received").isEmpty());
        } finally {
            Distribution.Console uninstalled = distribution.console("feature:uninstall " + ExampleConnector.FEATURE);
            Distribution.Console removed = distribution.console("feature:repo-remove "
                    + ExampleConnector.FEATURES_URL);
            assertEquals(uninstalled.output(), 0, uninstalled.exitCode());
            assertEquals(removed.output(), 0, removed.exitCode());
        }
        awaitBundle(false);
        Distribution.Console repositories = assertConsole("feature:repo-list");
        assertFalse(repositories.output(), repositories.output().contains("countersign-example-filedrop"));

        // nothing of it keeps running: a drop now stays unanswered
        drop(drops, "requests", "after.json", request(credentials.agentKey(AGENT), QUERY));
        Thread.sleep(3000); // six polls of the connector, had it stayed
        assertTrue(Files.exists(drops.resolve("inbox/requests/after.json")));
        assertFalse(Files.exists(drops.resolve("outbox/requests/after.json")));
        Files.delete(drops.resolve("inbox/requests/after.json"));
    }

    @Test
    public void droppedIntoDeploy_theConnectorAnswersWhatWaitedForIt_andLeavesWhenRemoved() throws Exception {
        Path drops = distribution.data().resolve("filedrop");
        Files.createDirectories(drops.resolve("inbox/requests"));
        drop(drops, "requests", "while-away.json", request(credentials.agentKey(AGENT), QUERY));

        Path deployed = home.resolve("deploy/countersign-example-filedrop-0.1.0.jar");
        Files.copy(connector.jar(), deployed, StandardCopyOption.REPLACE_EXISTING);
        try {
            awaitBundle(true);
            JsonNode allowed = awaitAnswer(drops, "requests", "while-away.json",
                    a -> "allowed".equals(a.path("status").asText()) && a.has("grant"));
            Api.Answer shown = distribution.api().get("/v1/actions/" + allowed.path("id").asText(),
                    credentials.agentKey(AGENT));
            assertEquals(shown.raw(), "allowed", shown.text("status"));
            assertFalse(Files.exists(drops.resolve("inbox/requests/while-away.json")));
        } finally {
            Files.deleteIfExists(deployed);
        }
        awaitBundle(false);
    }

    private static Distribution.Console assertConsole(String command) throws Exception {
        Distribution.Console answer = distribution.console(command);
        assertEquals(command + ": " + answer.output(), 0, answer.exitCode());
        return answer;
    }

    /** Waits until the connector's bundle is active, or until no bundle of that name is installed. */
    private static void awaitBundle(boolean active) throws Exception {
        String[] seen = {""};
        Poll.until(active ? "active connector bundle" : "end of the connector bundle", WAIT, () -> {
            Distribution.Console list = distribution.console("bundle:list -s -t 0");
            seen[0] = list.output();
            if (list.exitCode() != 0) {
                return false;
            }
            List<String> lines = list.output().lines().filter(l -> l.contains(ExampleConnector.BUNDLE)).toList();
            return active ? lines.size() == 1 && lines.get(0).contains("Active") : lines.isEmpty();
        }, () -> seen[0]);
    }

    /** Drops a file as a writer should: written beside the inbox under a dotted name, then renamed into it. */
    private static void drop(Path drops, String kind, String name, String content) throws Exception {
        Path inbox = drops.resolve("inbox").resolve(kind);
        Path temporary = inbox.resolve("." + name + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonNode awaitAnswer(Path drops, String kind, String name, Predicate<JsonNode> ready)
            throws Exception {
        Path answer = drops.resolve("outbox").resolve(kind).resolve(name);
        return Poll.until("answer as expected in " + answer, WAIT, () -> {
            if (!Files.exists(answer) || Files.exists(drops.resolve("inbox").resolve(kind).resolve(name))) {
                return null;
            }
            JsonNode read = JSON.readTree(answer.toFile());
            return ready.test(read) ? read : null;
        });
    }

    private static void assertProblem(JsonNode answer, int status, String reason) {
        assertEquals(answer.toString(), status, answer.path("status").asInt());
        assertEquals(answer.toString(), reason, answer.path("reason").asText());
        assertEquals(answer.toString(), "urn:countersign:problem:" + reason, answer.path("type").asText());
    }

    private static List<String> channels(JsonNode answer) {
        return java.util.stream.StreamSupport.stream(answer.path("votes").spliterator(), false)
                .map(v -> v.path("reviewer").asText() + ":" + v.path("channel").asText()).toList();
    }

    private static String request(String agentKey, String action) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(action);
        body.put("agentKey", agentKey);
        return body.toString();
    }

    private static String review(String token, String requestId, String digest, String verdict) {
        return JSON.createObjectNode().put("reviewerToken", token).put("request", requestId).put("digest", digest)
                .put("verdict", verdict).put("comment", "checked by file").toString();
    }
}
