package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.Test;

/**
 * The contract check that {@link Api} applies to every exchange of the integration tests, on exchanges made up here:
 * it passes what keeps to openapi.json and reports what drifts. No server: it runs with the integration tests only
 * because surefire is off in this module.
 */
public class OpenApiContractCheckIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String ACTION = "{\"action\":\"data.export\",\"resource\":\"warehouse.customers\","
            + "\"environment\":\"production\",\"parameters\":{\"rows\":5},\"onBehalfOf\":\"alice\","
            + "\"justification\":\"test\"}";

    private final OpenApiContract contract = OpenApiContract.bundled();

    private String request() throws Exception {
        return JSON.writeValueAsString(contract.document().at("/components/schemas/ActionRequest/example"));
    }

    private static String problem(int status, String reason) {
        return "{\"type\":\"urn:countersign:problem:" + reason + "\",\"title\":\"t\",\"status\":" + status
                + ",\"detail\":\"d\",\"reason\":\"" + reason + "\"}";
    }

    private List<String> check(String method, String target, String requestBody, int status, String contentType,
                               String body) {
        return contract.check(new OpenApiContract.Exchange(method, target, requestBody == null ? null
                : "application/json", requestBody, status, contentType, body));
    }

    @Test
    public void anAnswerThatKeepsToTheDocument_passes() throws Exception {
        assertEquals(List.of(), check("POST", "/v1/actions", ACTION, 201, "application/json", request()));
        assertEquals(List.of(), check("GET", "/v1/actions/r-1?wait=1s", null, 200, "application/json", request()));
        assertEquals(List.of(), check("POST", "/v1/actions/r-1/reviews", "{}", 403, PROBLEM_JSON,
                problem(403, "self-approval")));
        contract.verify(new OpenApiContract.Exchange("GET", "/v1/ledger/checkpoint", null, null, 503, PROBLEM_JSON,
                problem(503, "unavailable")));
    }

    @Test
    public void aMissingRequiredMember_isReported() throws Exception {
        ObjectNode drifted = (ObjectNode) JSON.readTree(request());
        drifted.remove("digest");
        List<String> violations = check("POST", "/v1/actions", ACTION, 201, "application/json", drifted.toString());
        assertFalse(violations.isEmpty());
        assertTrue(violations.toString(), violations.get(0).contains("digest"));
    }

    @Test
    public void anUndocumentedMember_orAWrongType_isReported() throws Exception {
        ObjectNode drifted = (ObjectNode) JSON.readTree(request());
        drifted.put("surprise", true);
        assertFalse(check("GET", "/v1/actions/r-1", null, 200, "application/json", drifted.toString()).isEmpty());
        drifted = (ObjectNode) JSON.readTree(request());
        drifted.put("version", "1");
        assertFalse(check("GET", "/v1/actions/r-1", null, 200, "application/json", drifted.toString()).isEmpty());
    }

    @Test
    public void anUndeclaredStatus_isReported() throws Exception {
        List<String> violations = check("POST", "/v1/actions", ACTION, 202, "application/json", request());
        assertEquals(1, violations.size());
        assertTrue(violations.get(0), violations.get(0).contains("status 202 is not declared for POST /v1/actions"));
        assertFalse(check("GET", "/v1/nothing-here", null, 200, "application/json", "{}").isEmpty());
    }

    @Test
    public void aReasonTheOperationDoesNotList_isReported() {
        assertFalse(check("POST", "/v1/actions/r-1/reviews", "{}", 403, PROBLEM_JSON, problem(403, "expired"))
                .isEmpty());
        assertFalse(check("POST", "/v1/actions", "{}", 400, PROBLEM_JSON, problem(400, "no-such-reason")).isEmpty());
    }

    @Test
    public void theServersOwnAnswers_areAcceptedAnywhere_asProblems() {
        assertEquals(List.of(), check("GET", "/v2/anything", null, 404, PROBLEM_JSON, problem(404, "not-found")));
        assertEquals(List.of(), check("PUT", "/v1/actions", "{}", 405, PROBLEM_JSON,
                problem(405, "method-not-allowed")));
        assertEquals(List.of(), check("GET", "/v1/actions/r-1?%zz", null, 400, PROBLEM_JSON,
                problem(400, "malformed-query")));
        assertFalse(check("GET", "/v2/anything", null, 404, "text/html", "<html></html>").isEmpty());
    }

    @Test
    public void aWrongMediaType_isReported() throws Exception {
        List<String> violations = check("GET", "/v1/actions/r-1", null, 200, "text/plain", request());
        assertEquals(1, violations.size());
        assertTrue(violations.get(0), violations.get(0).contains("media type 'text/plain' is not declared"));
    }

    @Test
    public void aRequestBodyThatSucceeded_isValidated_butNotOneThatWasRefused() throws Exception {
        String bad = "{\"action\":\"data.export\"}";
        assertFalse(check("POST", "/v1/actions", bad, 201, "application/json", request()).isEmpty());
        assertEquals(List.of(), check("POST", "/v1/actions", bad, 400, PROBLEM_JSON, problem(400, "invalid-field")));
    }

    @Test
    public void verify_failsWithTheExchangeAndEveryViolation() throws Exception {
        try {
            contract.verify(new OpenApiContract.Exchange("POST", "/v1/actions", "application/json", ACTION, 202,
                    "application/json", request()));
            fail("a 202 is not declared");
        } catch (AssertionError expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith(
                    "the exchange departs from openapi.json: POST /v1/actions -> 202"));
        }
    }
}
