package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;
import org.osgi.framework.Bundle;

/** Swapping the REST bundle and the rule set while requests are pending loses nothing. */
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
            assertEquals(404, api.get("/v1/health", null).status());
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

    @Test
    public void replacingTheRuleSetWhileRequestsArePendingLosesNothing() throws Exception {
        String pending = pendingExport();
        String before = api.get("/v1/health", null).text("policyVersion");
        Path rules = rulesDir();
        Path database = rules.resolve("database.drl");
        String original = Files.readString(database);
        String stricter = original.replace(
                "$a.allow(\"read-only queries outside production are allowed\");",
                "$a.review(\"security\", 1, \"hot-swapped: staging reads now need review\");");
        assertNotEquals("the test must really change a rule", original, stricter);

        String after = before;
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
        try {
            Files.writeString(database, stricter);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (after.equals(before) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                after = api.get("/v1/health", null).text("policyVersion");
            }
            assertNotEquals("the new rule set was activated", before, after);
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

        Api.Answer now = api.post("/v1/actions", credentials.agentKey("analytics-agent"),
                Api.action("db.query", "analytics.events", "staging", "{}", "alice"));
        assertEquals("pending", now.text("status"));
        Api.Answer old = api.get("/v1/actions/" + pending, credentials.reviewerToken("carol"));
        assertEquals("pending", old.text("status"));
        assertNotNull(old.body().path("decision").path("policyVersion").asText());
        assertEquals(before, old.body().path("decision").path("policyVersion").asText());
        Api.Answer vote = api.post("/v1/actions/" + pending + "/reviews", credentials.reviewerToken("carol"),
                "{\"verdict\":\"approve\"}");
        assertEquals("approved", vote.text("status"));

        String broken = stricter + "\nrule \"broken\" when $a : ActionFact( then end\n";
        Files.writeString(database, broken);
        Thread.sleep(1500);
        assertEquals("a rule set that does not compile never replaces a good one", after,
                api.get("/v1/health", null).text("policyVersion"));
        assertEquals("and decisions still follow the last good one", "pending",
                api.post("/v1/actions", credentials.agentKey("analytics-agent"),
                        Api.action("db.query", "analytics.events", "staging", "{}", "alice")).text("status"));
        Files.writeString(database, original);
    }
}
