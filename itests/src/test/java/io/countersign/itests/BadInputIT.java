package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;

/** Every kind of bad input gets RFC 9457 problem+json with a stable reason, and leaves the journal untouched. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class BadInputIT extends CountersignTestSupport {

    private static final String VALID = Api.action("db.query", "analytics.events", "staging", "{}", "alice");

    private long journalSize() throws Exception {
        return api.get("/v1/health", null).body().path("journalSize").asLong();
    }

    private void expectProblem(Api.Answer answer, int status, String reason) {
        assertEquals(answer.raw(), status, answer.status());
        assertEquals("application/problem+json", answer.contentType());
        assertEquals(answer.raw(), reason, answer.text("reason"));
        assertEquals(status, answer.body().path("status").asInt());
        assertTrue(answer.text("detail"), !answer.text("detail").isBlank());
        assertTrue(answer.text("type").startsWith("urn:countersign:problem:"));
    }

    private Api.Answer submit(String contentType, String body) throws Exception {
        return api.post("/v1/actions", credentials.agentKey("analytics-agent"), contentType, body, null);
    }

    @Test
    public void malformedJsonIsRefused() throws Exception {
        long before = journalSize();
        for (String body : new String[] {"{\"action\":", "{\"action\":\"db.query\",}",
                "{\"action\":\"db.query\",\"action\":\"data.export\"}", "[1,2]", "", "{\"a\":NaN}"}) {
            expectProblem(submit("application/json", body), 400, "malformed-json");
        }
        assertEquals(before, journalSize());
    }

    @Test
    public void wrongTypesMissingAndUnknownFieldsAreRefused() throws Exception {
        long before = journalSize();
        expectProblem(submit("application/json", VALID.replace("\"parameters\":{}", "\"parameters\":[1]")), 400,
                "invalid-field");
        expectProblem(submit("application/json", VALID.replace("\"action\":\"db.query\"", "\"action\":42")), 400,
                "invalid-field");
        expectProblem(submit("application/json", VALID.replace("\"resource\":\"analytics.events\",", "")), 400,
                "invalid-field");
        expectProblem(submit("application/json", VALID.replace("\"staging\"", "\"prod\"")), 400, "invalid-field");
        expectProblem(submit("application/json", VALID.replace("{\"action\"", "{\"acton\":1,\"action\"")), 400,
                "invalid-field");
        Api.Answer missing = submit("application/json", VALID.replace(",\"justification\":\"integration test\"", ""));
        expectProblem(missing, 400, "invalid-field");
        assertTrue(missing.text("detail").contains("justification"));
        assertEquals(before, journalSize());
    }

    @Test
    public void credentialsAreRequiredAndChecked() throws Exception {
        long before = journalSize();
        expectProblem(api.post("/v1/actions", null, VALID), 401, "unauthenticated");
        expectProblem(api.post("/v1/actions", "csk_not-a-real-key", VALID), 401, "unauthenticated");
        expectProblem(api.post("/v1/actions", credentials.reviewerToken("bob"), VALID), 401, "unauthenticated");
        expectProblem(api.get("/v1/reviews/pending", credentials.agentKey("analytics-agent")), 401,
                "unauthenticated");
        expectProblem(api.post("/v1/actions/x/reviews", "csr_wrong", "{\"verdict\":\"approve\"}"), 401,
                "unauthenticated");
        LedgerChain.assertOnlyRefusalsSince(api, credentials.reviewerToken("bob"), before, true);
    }

    @Test
    public void anAgentCannotActForAHumanItDoesNotRepresent() throws Exception {
        long before = journalSize();
        expectProblem(submit("application/json", VALID.replace("\"alice\"", "\"bob\"")), 403,
                "not-permitted-to-act-for");
        LedgerChain.assertOnlyRefusalsSince(api, credentials.reviewerToken("bob"), before, true);
    }

    @Test
    public void unknownRequestIdsAreNotFound() throws Exception {
        expectProblem(api.get("/v1/actions/no-such-id", credentials.reviewerToken("bob")), 404, "not-found");
        long before = journalSize();
        expectProblem(api.post("/v1/actions/no-such-id/reviews", credentials.reviewerToken("bob"),
                "{\"verdict\":\"approve\"}"), 404, "not-found");
        assertEquals(before, journalSize());
    }

    @Test
    public void bodiesOverTheLimitAreRefusedWith413() throws Exception {
        long before = journalSize();
        String big = VALID.replace("{}", "{\"blob\":\"" + "x".repeat((1 << 20) + 10) + "\"}");
        expectProblem(api.postLargeBody("/v1/actions", credentials.agentKey("analytics-agent"),
                big.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 413, "body-too-large");
        assertEquals(before, journalSize());
    }

    @Test
    public void onlyJsonIsAccepted() throws Exception {
        long before = journalSize();
        expectProblem(submit("text/plain", VALID), 415, "unsupported-media-type");
        expectProblem(submit("application/x-www-form-urlencoded", "action=db.query"), 415,
                "unsupported-media-type");
        expectProblem(submit(null, VALID), 415, "unsupported-media-type");
        expectProblem(submit("application/json; charset=latin1", VALID), 415, "unsupported-media-type");
        assertEquals(before, journalSize());
    }

    @Test
    public void aVoteMustSayApproveOrDeny() throws Exception {
        Api.Answer submitted = submit("application/json", Api.action("data.export", "warehouse.customers",
                "production", "{\"rows\":5,\"containsPii\":true}", "alice"));
        long before = journalSize();
        expectProblem(api.post("/v1/actions/" + submitted.text("id") + "/reviews", credentials.reviewerToken("bob"),
                "{\"verdict\":\"maybe\"}"), 400, "invalid-field");
        assertEquals(before, journalSize());
    }

    @Test
    public void wrongMethodsAndUnknownPathsAreProblems() throws Exception {
        expectProblem(api.get("/v1/actions", credentials.agentKey("analytics-agent")), 405, "method-not-allowed");
        expectProblem(api.get("/v2/anything", null), 404, "not-found");
        Api.Answer postHealth = api.post("/v1/health", null, "{}");
        expectProblem(postHealth, 405, "method-not-allowed");
    }

    @Test
    public void aNumberWithAHugeExponentIsRefused() throws Exception {
        long before = journalSize();
        expectProblem(submit("application/json", VALID.replace("{}", "{\"rows\":1E+99999999999}")), 400,
                "malformed-json");
        expectProblem(api.post("/v1/actions/no-such-id/reviews", credentials.reviewerToken("bob"),
                "{\"verdict\":\"approve\",\"comment\":1E-99999999999}"), 400, "malformed-json");
        assertEquals(before, journalSize());
    }

    @Test
    public void badlyEncodedQueriesAreRefused() throws Exception {
        String reviewer = credentials.reviewerToken("bob");
        for (String target : new String[] {"/v1/evidence?request=%ff", "/v1/evidence?request=%",
                "/v1/ledger/entries?from=%", "/v1/actions/x?wait=%"}) {
            expectProblem(api.raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + reviewer), 400, "malformed-query");
        }
    }

    @Test
    public void protocolErrorsAreProblemsToo() throws Exception {
        expectProblem(api.raw("GET /v1/actions/%zz HTTP/1.1\r\nHost: 127.0.0.1"), 400, "bad-request");
        expectProblem(api.raw("PUT * HTTP/1.0"), 400, "bad-request");
        expectProblem(api.raw("GET /v1/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1"), 414,
                "uri-too-long");
        expectProblem(api.raw("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20_000)), 431,
                "headers-too-large");
        expectProblem(api.raw("GET /v1/health HTTP/9.9\r\nHost: 127.0.0.1"), 505, "http-version-not-supported");
    }
}
