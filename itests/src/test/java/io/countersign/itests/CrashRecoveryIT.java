package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;

/**
 * Starts the distribution as a process, drives requests and votes under load and kills it with SIGKILL in the middle,
 * three times over, restarting it on the same data each time; then checks that everything it acknowledged is still
 * there and the journal's hash chain is intact.
 */
public class CrashRecoveryIT {

    private static final String AGENT = "analytics-agent";

    record Acknowledged(String id, String status) {
    }

    @Test
    public void everyAcknowledgedRequestAndVoteSurvivesKill9() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "crash-");
        try (Distribution distribution = Distribution.unpack(dir.resolve("countersign"))) {
            distribution.start();
            Credentials credentials = Credentials.read(distribution.data().resolve("demo-credentials.json"));
            Api api = distribution.api();

            Map<String, Acknowledged> requests = new ConcurrentHashMap<>();
            Set<String> votedByBob = ConcurrentHashMap.newKeySet();
            for (int round = 1; round <= 3; round++) {
                if (round > 1) {
                    distribution.start();
                }
                loadThenKill(distribution, credentials, requests, votedByBob, 1200 * round);
            }
            assertTrue("the load reached the server before the kills: " + requests.size(), requests.size() >= 300);
            assertTrue("votes reached the server before the kills: " + votedByBob.size(), votedByBob.size() >= 30);

            distribution.start();
            String auditor = credentials.reviewerToken("erin");
            for (Acknowledged acknowledged : requests.values()) {
                Api.Answer shown = api.get("/v1/actions/" + acknowledged.id(), auditor);
                assertEquals("acknowledged request " + acknowledged.id() + " is back", 200, shown.status());
                if (!acknowledged.status().equals("pending")) {
                    assertEquals(acknowledged.status(), shown.text("status"));
                }
            }
            for (String id : votedByBob) {
                JsonNode shown = api.get("/v1/actions/" + id, auditor).body();
                boolean found = false;
                for (JsonNode vote : shown.path("votes")) {
                    found |= vote.path("reviewer").asText().equals("bob");
                }
                assertTrue("bob's acknowledged vote on " + id + " is back", found);
            }
            long entries = LedgerChain.verify(api, auditor);
            assertTrue(entries >= requests.size() * 2L);
            System.out.printf("acknowledged across three kills: %d requests, %d votes; journal verified: %d entries%n",
                    requests.size(), votedByBob.size(), entries);
        }
    }

    /** Drives requests and votes from 8 threads until {@code target} are acknowledged, then kills the server. */
    private static void loadThenKill(Distribution distribution, Credentials credentials, Map<String, Acknowledged> requests,
                                     Set<String> votedByBob, int target) throws Exception {
        Api api = distribution.api();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(8);
        for (int worker = 0; worker < 8; worker++) {
            load.submit(() -> {
                while (running.get()) {
                    try {
                        drive(api, credentials, requests, votedByBob);
                    } catch (Exception e) {
                        // The server is being killed: unanswered requests are not acknowledged.
                    }
                }
                return null;
            });
        }
        long started = System.nanoTime();
        while (requests.size() < target && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(20);
        }
        Thread.sleep(ThreadLocalRandom.current().nextInt(200));
        distribution.kill();
        running.set(false);
        load.shutdown();
        assertTrue(load.awaitTermination(60, TimeUnit.SECONDS));
    }

    private static void drive(Api api, Credentials credentials, Map<String, Acknowledged> requests,
                              Set<String> votedByBob) throws Exception {
        boolean export = ThreadLocalRandom.current().nextInt(3) == 0;
        String body = export
                ? Api.action("data.export", "warehouse.customers", "production",
                        "{\"rows\":50000,\"containsPii\":true}", "alice")
                : Api.action("db.query", "analytics.events", "staging", "{}", "alice");
        Api.Answer answer = api.post("/v1/actions", credentials.agentKey(AGENT), body);
        if (answer.status() != 201) {
            throw new AssertionError("unexpected answer " + answer.status() + ": " + answer.raw());
        }
        String id = answer.text("id");
        requests.put(id, new Acknowledged(id, answer.text("status")));
        if (export) {
            Api.Answer vote = api.post("/v1/actions/" + id + "/reviews", credentials.reviewerToken("bob"),
                    "{\"verdict\":\"approve\"}");
            if (vote.status() == 200) {
                votedByBob.add(id);
            }
        }
    }

}
