package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;

/** Break-glass and standing approvals over HTTP, against the assembled distribution and the default policy pack. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class EmergencyAndStandingIT extends CountersignTestSupport {

    private static final String ANALYTICS = "analytics-agent";
    private static final String OPS = "ops-agent";

    private long journalSize() throws Exception {
        return api.get("/v1/health", null).body().path("journalSize").asLong();
    }

    private static String withBreakGlass(String action, String reasonJson) {
        return action.substring(0, action.length() - 1) + ",\"breakGlass\":" + reasonJson + "}";
    }

    @Test
    public void breakGlassWithoutAReasonIsRefusedAndChangesNothing() throws Exception {
        long before = journalSize();
        String escalate = Api.action("privilege.escalate", "iam/role/admin", "production", "{}", "dave");
        for (String bad : new String[] {"{}", "{\"reason\":\"  \"}", "true", "{\"reason\":\"x\",\"by\":\"me\"}"}) {
            Api.Answer answer = api.post("/v1/actions", credentials.agentKey(OPS), withBreakGlass(escalate, bad));
            assertEquals(answer.raw(), 400, answer.status());
            assertEquals("application/problem+json", answer.contentType());
        }
        assertEquals(before, journalSize());
    }

    @Test
    public void breakGlassWhereThePolicyAllowsIt_isAllowedAtOnceAndEveryEligibleReviewerGetsThePostIncidentReview()
            throws Exception {
        Api.Answer answer = api.post("/v1/actions", credentials.agentKey(OPS), withBreakGlass(
                Api.action("privilege.escalate", "iam/role/db-admin", "production", "{}", "dave"),
                "{\"reason\":\"INC-4711: primary database down, on-call needs db-admin\"}"));
        assertEquals(answer.raw(), 201, answer.status());
        assertEquals("allowed", answer.text("status"));
        JsonNode grant = answer.body().path("grant");
        Duration lifetime = Duration.between(Instant.parse(grant.path("issuedAt").asText()),
                Instant.parse(grant.path("expiresAt").asText()));
        assertTrue(lifetime.toString(), lifetime.compareTo(Duration.ofMinutes(15)) <= 0);
        String review = answer.body().path("breakGlass").path("reviewRequest").asText();
        assertEquals("INC-4711: primary database down, on-call needs db-admin",
                answer.body().path("breakGlass").path("reason").asText());

        for (String reviewer : new String[] {"erin", "frank"}) {
            boolean listed = false;
            for (JsonNode item : api.get("/v1/reviews/pending", credentials.reviewerToken(reviewer)).body()
                    .path("pending")) {
                listed |= item.path("id").asText().equals(review);
            }
            assertTrue(reviewer + " has the post-incident review", listed);
        }
        for (JsonNode item : api.get("/v1/reviews/pending", credentials.reviewerToken("dave")).body().path("pending")) {
            assertTrue("dave, for whom the agent acted, does not review it", !item.path("id").asText().equals(review));
        }
        Api.Answer reviewed = api.post("/v1/actions/" + review + "/reviews", credentials.reviewerToken("erin"),
                "{\"verdict\":\"approve\",\"comment\":\"justified by INC-4711\"}");
        assertEquals(reviewed.raw(), 200, reviewed.status());
        assertEquals("approved", reviewed.text("status"));
    }

    @Test
    public void breakGlassWhereThePolicyDoesNotAllowIt_isDenied() throws Exception {
        Api.Answer answer = api.post("/v1/actions", credentials.agentKey(ANALYTICS), withBreakGlass(
                Api.action("data.export", "warehouse.customers", "production", "{\"rows\":10,\"containsPii\":true}",
                        "alice"), "{\"reason\":\"the board meets in an hour\"}"));
        assertEquals(answer.raw(), 201, answer.status());
        assertEquals("denied", answer.text("status"));
        assertTrue(answer.raw(), answer.body().path("decision").path("reasons").get(0).asText()
                .contains("does not allow break-glass"));
    }

    @Test
    public void agentsCannotSubmitCountersignsOwnActions() throws Exception {
        Api.Answer answer = api.post("/v1/actions", credentials.agentKey(ANALYTICS),
                Api.action("countersign.policy.change", "policy", "production", "{}", "alice"));
        assertEquals(answer.raw(), 403, answer.status());
        assertEquals("reserved-action", answer.text("reason"));
    }

    private static String standing(String group, String validFor, int maxUses) {
        return "{\"group\":\"" + group + "\",\"agent\":\"" + ANALYTICS + "\",\"onBehalfOf\":[\"alice\"],"
                + "\"action\":\"db.query\",\"environment\":\"production\",\"resource\":\"crm.contacts\","
                + "\"bounds\":[{\"parameter\":\"rows\",\"op\":\"<\",\"value\":1000}],"
                + "\"validFor\":\"" + validFor + "\",\"maxUses\":" + maxUses + ",\"reason\":\"CRM clean-up this afternoon\"}";
    }

    private Api.Answer query(int rows) throws Exception {
        return api.post("/v1/actions", credentials.agentKey(ANALYTICS), Api.action("db.query", "crm.contacts",
                "production", "{\"containsPii\":true,\"rows\":" + rows + "}", "alice"));
    }

    @Test
    public void aStandingApprovalApprovesCoveredCallsUpToItsLimitAndStopsAtOnceWhenRevoked() throws Exception {
        String bob = credentials.reviewerToken("bob");
        Api.Answer granted = api.post("/v1/standing-approvals", bob, standing("data-owners", "PT30M", 2));
        assertEquals(granted.raw(), 201, granted.status());
        String id = granted.text("id");

        Api.Answer first = query(10);
        assertEquals(first.raw(), "approved", first.text("status"));
        assertEquals("bob", first.body().path("grant").path("approvers").get(0).asText());
        assertEquals("pending", query(5000).text("status"));
        assertEquals("approved", query(999).text("status"));
        assertEquals("beyond maxUses", "pending", query(10).text("status"));

        JsonNode listed = null;
        for (JsonNode item : api.get("/v1/standing-approvals", bob).body().path("standingApprovals")) {
            if (item.path("id").asText().equals(id)) {
                listed = item;
            }
        }
        assertEquals(2, listed.path("uses").asInt());

        String again = api.post("/v1/standing-approvals", bob, standing("data-owners", "PT30M", 50)).text("id");
        assertEquals("approved", query(10).text("status"));
        Api.Answer revoked = api.delete("/v1/standing-approvals/" + again, credentials.reviewerToken("carol"));
        assertEquals(revoked.raw(), 200, revoked.status());
        assertEquals("carol", revoked.text("revokedBy"));
        assertEquals("pending", query(10).text("status"));
        assertEquals(404, api.delete("/v1/standing-approvals/no-such-id", bob).status());
    }

    @Test
    public void onlyAnEligibleReviewerMayGrantABoundedStandingApproval() throws Exception {
        long before = journalSize();
        Api.Answer self = api.post("/v1/standing-approvals", credentials.reviewerToken("alice"),
                standing("data-owners", "PT30M", 5));
        assertEquals(self.raw(), 403, self.status());
        assertEquals("not-eligible", self.text("reason"));
        Api.Answer outsider = api.post("/v1/standing-approvals", credentials.reviewerToken("dave"),
                standing("data-owners", "PT30M", 5));
        assertEquals(outsider.raw(), 403, outsider.status());
        Api.Answer tooLong = api.post("/v1/standing-approvals", credentials.reviewerToken("bob"),
                standing("data-owners", "P2D", 5));
        assertEquals(tooLong.raw(), 400, tooLong.status());
        Api.Answer badOp = api.post("/v1/standing-approvals", credentials.reviewerToken("bob"),
                standing("data-owners", "PT30M", 5).replace("\"<\"", "\"~\""));
        assertEquals(badOp.raw(), 400, badOp.status());
        // the two 403s are journaled as refused callers (access.refused); nothing else is
        LedgerChain.assertOnlyRefusalsSince(api, credentials.reviewerToken("bob"), before, true);
    }
}
