package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * there and the journal's hash chain is intact. The journal seals, and the core snapshots its projection, every
 * second or so here, so the kills also land while those derived files are being written, and the restarts start
 * from them (and the tail after them) rather than from the whole journal.
 */
public class CrashRecoveryIT {

    private static final String AGENT = "analytics-agent";

    record Acknowledged(String id, String status) {
    }

    /** What the client last saw signed before a kill. */
    static final class LastCheckpoint {
        volatile JsonNode seen;
    }

    @Test
    public void everyAcknowledgedRequestAndVoteSurvivesKill9() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "crash-");
        try (Distribution distribution = Distribution.unpack(dir.resolve("countersign"))) {
            distribution.configure("io.countersign.journal", "sealEveryEntries = 1000", "sealEveryMillis = 500");
            distribution.configure("io.countersign.core", "snapshotEveryEntries = 2000", "snapshotEveryMillis = 700");
            distribution.start();
            Credentials credentials = Credentials.read(distribution.data().resolve("demo-credentials.json"));
            Api api = distribution.api();

            Map<String, Acknowledged> requests = new ConcurrentHashMap<>();
            Set<String> votedByBob = ConcurrentHashMap.newKeySet();
            Set<String> consumedGrants = ConcurrentHashMap.newKeySet();
            List<JsonNode> signedBeforeKills = new ArrayList<>();
            for (int round = 1; round <= 3; round++) {
                if (round > 1) {
                    distribution.start();
                }
                signedBeforeKills.add(loadThenKill(distribution, credentials, requests, votedByBob, consumedGrants,
                        1200 * round));
            }
            assertTrue("the load reached the server before the kills: " + requests.size(), requests.size() >= 300);
            assertTrue("votes reached the server before the kills: " + votedByBob.size(), votedByBob.size() >= 30);

            distribution.start();
            assertRestartedFromDerivedState(distribution);
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
            for (String consumed : consumedGrants) {
                Api.Answer again = api.post("/v1/grants/consume", credentials.agentKey(AGENT), consumed);
                assertEquals("an acknowledged consumption is back: " + again.raw(), 409, again.status());
            }
            long entries = LedgerChain.verify(api, auditor);
            assertTrue(entries >= requests.size() * 2L);
            for (JsonNode checkpoint : signedBeforeKills) {
                assertNewerCheckpointsAreConsistentWith(checkpoint, api, auditor, dir);
            }
            System.out.printf("acknowledged across three kills: %d requests, %d votes, %d grant consumptions;"
                    + " journal verified: %d entries; checkpoints before each kill consistent with the log after%n",
                    requests.size(), votedByBob.size(), consumedGrants.size(), entries);
        }
    }

    /**
     * The last start used the journal's seal, the core's snapshot (with the request index) and the policy's state,
     * written before the kill, instead of reading the whole journal.
     */
    private static void assertRestartedFromDerivedState(Distribution distribution) throws Exception {
        Path data = distribution.data();
        assertTrue("the journal is sealed", Files.exists(data.resolve("journal/seal.bin")));
        assertTrue("the policy state is kept", Files.exists(data.resolve("policy/state.bin")));
        try (var files = Files.list(data.resolve("core"))) {
            assertTrue("the core keeps snapshots", files.anyMatch(f -> f.getFileName().toString()
                    .matches("snapshot-\\d{20}\\.bin")));
        }
        String log = Files.readString(distribution.log().toPath());
        java.util.regex.Matcher core = java.util.regex.Pattern.compile(
                "replayed (\\d+) journal entries in \\d+ ms after the snapshot at (\\d+)").matcher(log);
        long snapshot = -1;
        while (core.find()) {
            snapshot = Long.parseLong(core.group(2));
        }
        assertTrue("the last start began at a core snapshot, not at seq 0", snapshot > 0);
        java.util.regex.Matcher journal = java.util.regex.Pattern.compile(
                "open with (\\d+) entries \\((\\d+) verified on open").matcher(log);
        long size = -1;
        long verified = -1;
        while (journal.find()) {
            size = Long.parseLong(journal.group(1));
            verified = Long.parseLong(journal.group(2));
        }
        assertTrue("the last open verified only the tail after the seal: " + verified + " of " + size,
                verified >= 0 && verified < size);
    }

    /**
     * The whole log exported after the restarts verifies, offline, against a checkpoint signed before a kill: the log
     * after the crash extends the one signed before it.
     */
    private static void assertNewerCheckpointsAreConsistentWith(JsonNode before, Api api, String auditor, Path dir)
            throws Exception {
        assertTrue("a checkpoint was seen before the kill", before != null);
        JsonNode after = api.get("/v1/ledger/checkpoint", null).body();
        assertTrue(after.path("size").asLong() >= before.path("size").asLong());
        java.net.http.HttpResponse<byte[]> bundle = api.download("/v1/evidence?from=2000-01-01T00:00:00Z&to="
                + java.time.Instant.now() + "&trustedSize=" + before.path("size").asLong(), auditor);
        assertEquals(200, bundle.statusCode());
        Path file = Files.write(Files.createTempFile(dir, "whole-log", ".zip"), bundle.body());
        Path trusted = Files.writeString(Files.createTempFile(dir, "trusted", ".txt"), before.path("note").asText());
        Verifier.Outcome outcome = Verifier.run(file, "--trusted-checkpoint", trusted.toString());
        assertEquals(outcome.output(), 0, outcome.exitCode());
    }

    /**
     * Drives requests, votes and grant consumptions from 8 threads until {@code target} requests are acknowledged,
     * then kills the server; returns the newest checkpoint seen before the kill.
     */
    private static JsonNode loadThenKill(Distribution distribution, Credentials credentials,
                                         Map<String, Acknowledged> requests, Set<String> votedByBob,
                                         Set<String> consumedGrants, int target) throws Exception {
        Api api = distribution.api();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(8);
        for (int worker = 0; worker < 8; worker++) {
            load.submit(() -> {
                while (running.get()) {
                    try {
                        drive(api, credentials, requests, votedByBob, consumedGrants);
                    } catch (Exception e) {
                        // The server is being killed: unanswered requests are not acknowledged.
                    }
                }
                return null;
            });
        }
        JsonNode checkpoint = null;
        long started = System.nanoTime();
        while (requests.size() < target && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
            Api.Answer latest = api.get("/v1/ledger/checkpoint", null);
            if (latest.status() == 200) {
                checkpoint = latest.body();
            }
            Thread.sleep(20);
        }
        Thread.sleep(ThreadLocalRandom.current().nextInt(200));
        distribution.kill();
        running.set(false);
        load.shutdown();
        assertTrue(load.awaitTermination(60, TimeUnit.SECONDS));
        return checkpoint;
    }

    private static void drive(Api api, Credentials credentials, Map<String, Acknowledged> requests,
                              Set<String> votedByBob, Set<String> consumedGrants) throws Exception {
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
        if (!export && ThreadLocalRandom.current().nextBoolean()) {
            String consume = "{\"grant\":\"" + answer.body().path("grant").path("token").asText() + "\",\"action\":"
                    + body + "}";
            if (api.post("/v1/grants/consume", credentials.agentKey(AGENT), consume).status() == 200) {
                consumedGrants.add(consume);
            }
        }
        if (export) {
            Api.Answer vote = api.post("/v1/actions/" + id + "/reviews", credentials.reviewerToken("bob"),
                    "{\"verdict\":\"approve\"}");
            if (vote.status() == 200) {
                votedByBob.add(id);
            }
        }
    }

}
