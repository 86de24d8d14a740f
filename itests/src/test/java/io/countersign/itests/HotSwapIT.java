package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;
import org.osgi.framework.Bundle;

/** Swapping the REST bundle, and the rule set by an approved policy change, while requests are pending loses nothing. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class HotSwapIT extends CountersignTestSupport {

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private String pendingExport() throws Exception {
        Api.Answer submitted = api.post("/v1/actions", credentials.agentKey("analytics-agent"), Api.action(
                "data.export", "warehouse.orders", "production", "{\"rows\":100,\"containsPii\":true}", "alice"));
        assertEquals(submitted.raw(), "pending", submitted.text("status"));
        return submitted.text("id");
    }

    @Test
    public void restartingTheRestBundleLosesNoPendingRequest() throws Exception {
        String id = pendingExport();
        Bundle rest = bundle("io.countersign.countersign-intake-rest");
        rest.stop();
        try {
            Api.Answer health = api.get("/v1/health", null);
            assertEquals(health.raw(), 503, health.status());
            assertEquals("starting", health.text("reason"));
        } finally {
            rest.start();
        }
        api.awaitUp(java.time.Duration.ofSeconds(30));
        Api.Answer shown = api.get("/v1/actions/" + id, credentials.reviewerToken("bob"));
        assertEquals("pending", shown.text("status"));
        Api.Answer vote = api.post("/v1/actions/" + id + "/reviews", credentials.reviewerToken("bob"),
                "{\"verdict\":\"approve\"}");
        assertEquals(vote.raw(), "approved", vote.text("status"));
    }

    /** The rule files and tests in the rules directory, as the body of a proposed policy change. */
    private static String proposal(String description) throws IOException {
        ObjectNode body = new ObjectMapper().createObjectNode();
        body.put("description", description);
        ObjectNode files = body.putObject("files");
        try (Stream<Path> listing = Files.walk(rulesDir())) {
            for (Path file : listing.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".drl")
                    || f.toString().endsWith(".yaml")).sorted().toList()) {
                files.put(rulesDir().relativize(file).toString(), Files.readString(file));
            }
        }
        return body.toString();
    }

    private String activeVersion() throws Exception {
        return api.get("/v1/health", null).text("policyVersion");
    }

    /**
     * Proposes the rules directory as grace with {@code countersign policy submit}, has heidi and ivan approve it,
     * and waits until it is active.
     */
    private void approveChange(String description) throws Exception {
        PolicyTool.Outcome submitted = PolicyTool.run("submit", rulesDir().toString(), "--server",
                "http://127.0.0.1:" + System.getProperty("countersign.it.port"), "--token",
                credentials.reviewerToken("grace"), "--description", description);
        assertEquals(submitted.output(), 0, submitted.exitCode());
        JsonNode proposed = null;
        for (JsonNode change : api.get("/v1/policy/changes", credentials.reviewerToken("bob")).body().path("changes")) {
            if (change.path("status").asText().equals("pending") && change.path("description").asText()
                    .equals(description)) {
                proposed = change;
            }
        }
        assertNotNull(submitted.output(), proposed);
        assertTrue(submitted.output(), submitted.output().contains(proposed.path("id").asText()));
        String request = proposed.path("request").asText();
        String version = proposed.path("version").asText();
        for (String admin : List.of("heidi", "ivan")) {
            Api.Answer vote = api.post("/v1/actions/" + request + "/reviews", credentials.reviewerToken(admin),
                    "{\"verdict\":\"approve\"}");
            assertEquals(vote.raw(), 200, vote.status());
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!activeVersion().equals(version) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("the approved rule set is active", version, activeVersion());
    }

    @Test
    public void aPolicyChangeGoesLiveOnlyWithTwoOtherAdminsApprovalAndLosesNoRequest() throws Exception {
        String pending = pendingExport();
        String before = activeVersion();
        Path database = rulesDir().resolve("database.drl");
        Path databaseTests = rulesDir().resolve("tests/database.yaml");
        String original = Files.readString(database);
        String originalTests = Files.readString(databaseTests);
        String stricter = original.replace(
                "$a.allow(\"read-only queries outside production are allowed\");",
                "$a.review(\"security\", 1, \"staging reads now need review\"); $a.deadline(\"PT4H\");");
        assertNotEquals("the test must really change a rule", original, stricter);

        // editing the files changes nothing: the policy is governed
        Files.writeString(database, stricter);
        Thread.sleep(1500);
        assertEquals(before, activeVersion());

        // proposed with its old tests, the stricter rule set fails them and cannot be submitted
        long journalBefore = api.get("/v1/health", null).body().path("journalSize").asLong();
        PolicyTool.Outcome refused = PolicyTool.run("submit", rulesDir().toString(), "--server",
                "http://127.0.0.1:" + System.getProperty("countersign.it.port"), "--token",
                credentials.reviewerToken("grace"));
        assertEquals(refused.output(), 1, refused.exitCode());
        assertTrue(refused.output(), refused.output().contains("FAIL tests/database.yaml"));
        Api.Answer failing = api.post("/v1/policy/changes", credentials.reviewerToken("grace"),
                proposal("stricter staging reads"));
        assertEquals(failing.raw(), 400, failing.status());
        assertTrue(failing.raw(), failing.text("detail").contains("FAIL tests/database.yaml"));
        assertEquals(journalBefore, api.get("/v1/health", null).body().path("journalSize").asLong());

        Files.writeString(databaseTests, originalTests
                .replace("request: {action: db.query, environment: staging}\n    expect: {outcome: ALLOW, rules:"
                        + " [Query outside production is allowed]}", "request: {action: db.query, environment:"
                        + " staging}\n    expect: {outcome: REVIEW, quorums: {security: 1}, timeout: PT4H}")
                .replace("request: {action: db.query, environment: development, parameters: {containsPii: true}}\n"
                        + "    expect: {outcome: ALLOW, rules: [Query outside production is allowed]}",
                        "request: {action: db.query, environment: development, parameters: {containsPii: true}}\n"
                        + "    expect: {outcome: REVIEW, quorums: {security: 1}}"));
        Api.Answer proposed = api.post("/v1/policy/changes", credentials.reviewerToken("grace"),
                proposal("stricter staging reads"));
        assertEquals(proposed.raw(), 201, proposed.status());
        String request = proposed.text("request");

        Api.Answer self = api.post("/v1/actions/" + request + "/reviews", credentials.reviewerToken("grace"),
                "{\"verdict\":\"approve\"}");
        assertEquals(self.raw(), 403, self.status());
        assertEquals("self-approval", self.text("reason"));
        Api.Answer notAdmin = api.post("/v1/actions/" + request + "/reviews", credentials.reviewerToken("bob"),
                "{\"verdict\":\"approve\"}");
        assertEquals("not-eligible", notAdmin.text("reason"));
        assertEquals("pending", api.post("/v1/actions/" + request + "/reviews", credentials.reviewerToken("heidi"),
                "{\"verdict\":\"approve\"}").text("status"));
        Thread.sleep(1000);
        assertEquals("one approval activates nothing", before, activeVersion());

        AtomicBoolean swapping = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(4);
        List<Future<List<Integer>>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(load.submit(() -> {
                List<Integer> statuses = new ArrayList<>();
                while (swapping.get()) {
                    statuses.add(api.post("/v1/actions", credentials.agentKey("analytics-agent"),
                            Api.action("db.query", "analytics.events", "staging", "{}", "alice")).status());
                }
                return statuses;
            }));
        }
        String after;
        try {
            assertEquals("approved", api.post("/v1/actions/" + request + "/reviews",
                    credentials.reviewerToken("ivan"), "{\"verdict\":\"approve\"}").text("status"));
            long deadline = System.nanoTime() + 30_000_000_000L;
            after = before;
            while (after.equals(before) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                after = activeVersion();
            }
            assertEquals("the approved rule set was activated", proposed.text("version"), after);
            Thread.sleep(300);
        } finally {
            swapping.set(false);
            load.shutdown();
        }
        int answered = 0;
        for (Future<List<Integer>> worker : workers) {
            for (int status : worker.get()) {
                assertEquals("no request fails during the swap", 201, status);
                answered++;
            }
        }
        assertTrue(answered > 0);

        JsonNode active = api.get("/v1/policy/active", null).body();
        assertEquals(after, active.path("version").asText());
        assertEquals(proposed.text("id"), active.path("change").asText());
        assertEquals("[\"heidi\",\"ivan\"]", active.path("approvers").toString());
        boolean journaled = false;
        long size = api.get("/v1/health", null).body().path("journalSize").asLong();
        for (long from = journalBefore; from < size; from += 1000) {
            for (JsonNode entry : api.get("/v1/ledger/entries?from=" + from + "&limit=1000",
                    credentials.reviewerToken("bob")).body().path("entries")) {
                if (entry.path("type").asText().equals("policy.activated")
                        && entry.path("data").path("version").asText().equals(after)) {
                    journaled = true;
                    assertEquals("[\"heidi\",\"ivan\"]", entry.path("data").path("approvers").toString());
                    assertEquals(proposed.text("id"), entry.path("data").path("change").asText());
                }
            }
        }
        assertTrue("the activation is in the journal with its hash and approvers", journaled);

        assertEquals("pending", api.post("/v1/actions", credentials.agentKey("analytics-agent"),
                Api.action("db.query", "analytics.events", "staging", "{}", "alice")).text("status"));
        Api.Answer old = api.get("/v1/actions/" + pending, credentials.reviewerToken("carol"));
        assertEquals("pending", old.text("status"));
        assertEquals(before, old.body().path("decision").path("policyVersion").asText());
        assertEquals("approved", api.post("/v1/actions/" + pending + "/reviews", credentials.reviewerToken("carol"),
                "{\"verdict\":\"approve\"}").text("status"));

        // the other tests of this suite expect the default pack: put it back the same way
        Files.writeString(database, original);
        Files.writeString(databaseTests, originalTests);
        approveChange("back to the default pack");
        assertEquals(before, activeVersion());
    }
}
