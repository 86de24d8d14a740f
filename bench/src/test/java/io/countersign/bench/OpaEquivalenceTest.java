package io.countersign.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyContext;
import io.countersign.policy.drools.internal.CandidatePolicy;
import io.countersign.policy.drools.internal.RuleTests;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Rego rendering of the default rule pack ({@code bench/opa/countersign.rego}) that the OPA comparison runs
 * decides every case of {@code rules/tests/*.yaml} as the Drools pack does: outcome, quorums (the route's size),
 * timeout, break-glass allowance and step-up. Otherwise the comparison would measure two different policies.
 * <p>
 * Needs the OPA binary that {@code bench/scripts/install-opa.sh} builds ({@code ./countersign test} runs it first);
 * without it the test is skipped, saying so.
 */
class OpaEquivalenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("countersign.root", "..")).toAbsolutePath()
            .normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Process opa;
    private static int port;

    @BeforeAll
    static void startOpa() throws Exception {
        Path binary = opaBinary();
        assumeTrue(Files.isExecutable(binary), "OPA is not installed at " + binary
                + ": run bench/scripts/install-opa.sh (./countersign test does)");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        opa = new ProcessBuilder(binary.toString(), "run", "--server", "--disable-telemetry", "--addr",
                "127.0.0.1:" + port, "--log-level", "error", ROOT.resolve("bench/opa/countersign.rego").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                if (!opa.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("OPA did not start (exit " + (opa.isAlive() ? "none"
                            : opa.exitValue()) + ")", notYet);
                }
            }
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stopOpa() throws InterruptedException {
        if (opa != null) {
            opa.destroy();
            opa.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyRuleTestCaseIsDecidedTheSameByRegoAndDrools() throws Exception {
        List<RuleTests.DecidedCase> cases = RuleTests.decideAll(ROOT.resolve("rules"),
                OpaEquivalenceTest.class.getClassLoader());
        assertTrue(cases.size() >= 40, "the default pack's tests have " + cases.size() + " cases");
        List<String> differences = new ArrayList<>();
        for (RuleTests.DecidedCase testCase : cases) {
            JsonNode rego = evaluate(input(testCase));
            String expected = describe(testCase.decision());
            String actual = describe(rego);
            if (!expected.equals(actual)) {
                differences.add(testCase.file() + ": " + testCase.name() + "\n    Drools: " + expected
                        + "\n    Rego:   " + actual);
            }
        }
        assertEquals(List.of(), differences, () -> differences.size() + " of " + cases.size()
                + " cases differ:\n" + String.join("\n", differences));
    }

    @Test
    void theBenchmarkRequestIsAllowedByBoth() throws Exception {
        JsonNode asked = JSON.readTree(OpaComparison.ACTION);
        JsonNode rego = evaluate(asked);
        assertEquals("ALLOW", rego.path("outcome").asText(), rego::toString);

        CandidatePolicy drools = CandidatePolicy.compile(ROOT.resolve("rules"), Duration.ofHours(1),
                OpaEquivalenceTest.class.getClassLoader());
        Action action = new Action(asked.path("action").asText(), asked.path("resource").asText(),
                asked.path("parameters"), asked.path("environment").asText(), "analytics-agent",
                List.of(asked.path("onBehalfOf").asText()));
        Decision decision = drools.decide(new ActionRequest("bench", action, asked.path("justification").asText(),
                "sha256:" + "00".repeat(32), Instant.parse("2026-01-05T10:00:00Z"), null),
                new Agent("analytics-agent", List.of("alice")), PolicyContext.none());
        assertEquals(describe(decision), describe(rego));
    }

    @Test
    void theComparisonWouldNoticeADifference() throws Exception {
        ObjectNode largeExport = JSON.createObjectNode().put("action", "data.export").put("resource", "w.c")
                .put("environment", "staging").put("justification", "x");
        largeExport.putObject("parameters").put("rows", 10_001).put("containsPii", false);
        JsonNode rego = evaluate(largeExport);
        assertEquals("REVIEW quorums={data-owners=2} timeout=14400 breakGlass=none stepUp=false", describe(rego));
        largeExport.with("parameters").put("rows", 10_000);
        assertEquals("ALLOW breakGlass=none", describe(evaluate(largeExport)));
    }

    private static ObjectNode input(RuleTests.DecidedCase testCase) {
        ObjectNode input = JSON.createObjectNode();
        input.put("action", testCase.request().action().action());
        input.put("resource", testCase.request().action().resource());
        input.put("environment", testCase.request().action().environment());
        input.put("justification", testCase.request().justification());
        input.set("parameters", testCase.request().action().parameters());
        return input;
    }

    private static JsonNode evaluate(JsonNode input) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.set("input", input);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + OpaComparison.OPA_QUERY)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        JsonNode result = JSON.readTree(response.body()).path("result");
        assertTrue(result.isObject(), () -> "no decision for " + input + ": " + response.body());
        return result;
    }

    private static String describe(Decision decision) {
        String breakGlass = decision.breakGlass() == null ? "none"
                : Long.toString(decision.breakGlass().grantTtl().toSeconds());
        if (decision.outcome() != Outcome.REVIEW) {
            return decision.outcome() + (decision.outcome() == Outcome.ALLOW ? " breakGlass=" + breakGlass : "");
        }
        Map<String, Integer> quorums = new TreeMap<>();
        for (GroupQuorum quorum : decision.route().quorums()) {
            quorums.put(quorum.group(), quorum.approvals());
        }
        return "REVIEW quorums=" + quorums + " timeout=" + decision.route().timeout().toSeconds() + " breakGlass="
                + breakGlass + " stepUp=" + decision.route().stepUp();
    }

    private static String describe(JsonNode rego) {
        String outcome = rego.path("outcome").asText();
        String breakGlass = rego.path("breakGlassSeconds").isNumber()
                ? Long.toString(rego.path("breakGlassSeconds").asLong()) : "none";
        if (!outcome.equals("REVIEW")) {
            return outcome + (outcome.equals("ALLOW") ? " breakGlass=" + breakGlass : "");
        }
        Map<String, Integer> quorums = new TreeMap<>();
        rego.path("quorums").fields().forEachRemaining(e -> quorums.put(e.getKey(), e.getValue().asInt()));
        return "REVIEW quorums=" + quorums + " timeout=" + rego.path("timeoutSeconds").asLong() + " breakGlass="
                + breakGlass + " stepUp=" + rego.path("stepUp").asBoolean();
    }

    static Path opaBinary() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("countersign/opa-1.22.4/bin/opa");
    }
}
