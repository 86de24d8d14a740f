package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;

/** The whole approval flow over HTTP against the assembled distribution, with the default policy pack. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class ApprovalFlowIT extends CountersignTestSupport {

    private static final String AGENT = "analytics-agent";

    @Test
    public void aReadOnlyQueryOutsideProductionIsAllowedAtOnce() throws Exception {
        Api.Answer answer = api.post("/v1/actions", credentials.agentKey(AGENT),
                Api.action("db.query", "analytics.events", "staging", "{\"sql\":\"select 1\"}", "alice"));
        assertEquals(answer.raw(), 201, answer.status());
        assertEquals("allowed", answer.text("status"));
        assertEquals("allow", answer.body().path("decision").path("outcome").asText());
        assertTrue(answer.text("digest").matches("sha256:[0-9a-f]{64}"));
        assertTrue(answer.body().path("decision").path("policyVersion").asText().startsWith("sha256:"));
    }

    @Test
    public void anActionThePolicyForbidsIsDenied() throws Exception {
        Api.Answer answer = api.post("/v1/actions", credentials.agentKey(AGENT), Api.action("data.export",
                "warehouse.customers", "production", "{\"rows\":2000000,\"containsPii\":true}", "alice"));
        assertEquals(answer.raw(), 201, answer.status());
        assertEquals("denied", answer.text("status"));
        assertEquals("deny", answer.body().path("decision").path("outcome").asText());
        assertTrue(answer.body().path("decision").path("reasons").size() > 0);
    }

    @Test
    public void aLargeExportNeedsTwoDataOwners_andSeparationOfDutiesHolds() throws Exception {
        String agentKey = credentials.agentKey(AGENT);
        Api.Answer submitted = api.post("/v1/actions", agentKey, Api.action("data.export", "warehouse.customers",
                "production", "{\"rows\":50000,\"containsPii\":true}", "alice"));
        assertEquals(submitted.raw(), 201, submitted.status());
        assertEquals("pending", submitted.text("status"));
        String id = submitted.text("id");
        JsonNode route = submitted.body().path("decision").path("route");
        assertEquals("data-owners", route.path("quorums").get(0).path("group").asText());
        assertEquals(2, route.path("quorums").get(0).path("approvals").asInt());

        String bob = credentials.reviewerToken("bob");
        JsonNode queue = api.get("/v1/reviews/pending", bob).body().path("pending");
        boolean listed = false;
        for (JsonNode item : queue) {
            if (item.path("id").asText().equals(id)) {
                listed = true;
                assertEquals(AGENT, item.path("requester").asText());
                assertEquals("alice", item.path("onBehalfOf").get(0).asText());
                assertTrue(item.path("decision").path("reasons").size() > 0);
            }
        }
        assertTrue("bob's queue lists the export", listed);

        expectRefusal(id, credentials.reviewerToken("alice"), "self-approval");
        expectRefusal(id, credentials.reviewerToken("dave"), "not-eligible");

        Api.Answer first = vote(id, bob, "approve");
        assertEquals(first.raw(), 200, first.status());
        assertEquals("pending", first.text("status"));
        expectRefusal(id, bob, "already-voted");

        CompletableFuture<Api.Answer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return api.get("/v1/actions/" + id + "?wait=30s", agentKey);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        Api.Answer second = vote(id, credentials.reviewerToken("carol"), "approve");
        assertEquals(second.raw(), 200, second.status());
        assertEquals("approved", second.text("status"));
        assertEquals("the agent's long poll wakes with the outcome", "approved", waiting.get().text("status"));
        expectRefusal(id, credentials.reviewerToken("carol"), "not-pending");

        JsonNode shown = api.get("/v1/actions/" + id, agentKey).body();
        assertEquals(2, shown.path("votes").size());
        assertEquals("approved", shown.path("status").asText());
    }

    @Test
    public void aRequestNobodyDecidesExpiresAtItsDeadline() throws Exception {
        String agentKey = credentials.agentKey(AGENT);
        Api.Answer submitted = api.post("/v1/actions", agentKey, Api.action("data.export", SHORT_DEADLINE_RESOURCE,
                "production", "{\"rows\":10,\"containsPii\":true}", "alice"));
        assertEquals("pending", submitted.text("status"));
        Api.Answer later = api.get("/v1/actions/" + submitted.text("id") + "?wait=20s", agentKey);
        assertEquals("expired", later.text("status"));
        expectRefusal(submitted.text("id"), credentials.reviewerToken("bob"), "not-pending");
    }

    @Test
    public void anAgentCannotSeeAnotherAgentsRequest() throws Exception {
        Api.Answer submitted = api.post("/v1/actions", credentials.agentKey(AGENT),
                Api.action("db.query", "analytics.events", "development", "{}", "alice"));
        Api.Answer other = api.get("/v1/actions/" + submitted.text("id"), credentials.agentKey("ops-agent"));
        assertEquals(404, other.status());
    }

    @Test
    public void theLedgerIsAnUnbrokenHashChainOfCanonicalEntries() throws Exception {
        api.post("/v1/actions", credentials.agentKey(AGENT),
                Api.action("db.query", "analytics.events", "staging", "{}", "alice"));
        assertTrue(LedgerChain.verify(api, credentials.reviewerToken("erin")) >= 2);
    }

    private Api.Answer vote(String id, String token, String verdict) throws Exception {
        return api.post("/v1/actions/" + id + "/reviews", token, "{\"verdict\":\"" + verdict + "\"}");
    }

    private void expectRefusal(String id, String token, String reason) throws Exception {
        Api.Answer answer = vote(id, token, "approve");
        assertEquals(answer.raw(), 403, answer.status());
        assertEquals("application/problem+json", answer.contentType());
        assertEquals(reason, answer.text("reason"));
    }
}
