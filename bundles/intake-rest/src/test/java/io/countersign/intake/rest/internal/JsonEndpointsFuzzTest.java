package io.countersign.intake.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyChanges;
import io.countersign.api.PolicyContext;
import io.countersign.api.PolicyEngine;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.json.StrictJson;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.core.internal.ApprovalEngine;
import io.countersign.journal.internal.FileJournal;
import io.countersign.signing.internal.KeyRing;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of every JSON endpoint over HTTP, with the real engine and journal: whatever the body, the answer is
 * never a 5xx, every refusal is problem+json with a reason, and a refusal of the input journals nothing.
 */
class JsonEndpointsFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20261207L);
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 600);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT_KEY = "csk_fuzz-agent";
    private static final String REVIEWER_TOKEN = "csr_fuzz-bob";
    private static final String ACTION = "{\"action\":\"data.export\",\"resource\":\"warehouse.customers\","
            + "\"environment\":\"production\",\"parameters\":{\"rows\":5,\"containsPii\":true},"
            + "\"onBehalfOf\":\"alice\",\"justification\":\"fuzz\"}";

    /** Refused reviews and grants are evidence: the engine journals them (review.refused, grant.refused). */
    private static final Set<Integer> AUDITED_REFUSALS = Set.of(403, 409, 410);

    @TempDir
    static Path dir;

    private static FileJournal journal;
    private static ApprovalEngine engine;
    private static Server server;
    private static String pendingId;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        journal = FileJournal.open(dir.resolve("journal"), 1 << 20);
        InMemoryDirectory directory = new InMemoryDirectory(new Reviewer("bob", Set.of("data-owners")))
                .withAgent(AGENT_KEY, new Agent("etl-agent", List.of("alice")))
                .withReviewerToken(REVIEWER_TOKEN, "bob");
        PolicyEngine policy = new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent, PolicyContext context) {
                return new Decision(Outcome.REVIEW, List.of("needs two owners"), List.of("fuzz rule"),
                        "sha256:fuzz", new ReviewRoute(List.of(new GroupQuorum("data-owners", 2)),
                        Duration.ofHours(1), 2));
            }

            @Override
            public String version() {
                return "sha256:fuzz";
            }
        };
        engine = new ApprovalEngine(journal, policy, KeyRing.open(dir.resolve("keys"), "test.example/fuzz"),
                directory, ApprovalEngine.defaultConfig());
        RestApi rest = new RestApi(engine, directory, journal, policy, defaults(RestApi.Config.class));
        PolicyChangesApi policyChanges = new PolicyChangesApi(refusingPolicyChanges(), directory);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                boolean policyPath = Request.getPathInContext(request).startsWith("/v1/policy/");
                return policyPath ? policyChanges.handle(request, response, callback)
                        : rest.handle(request, response, callback);
            }
        });
        server.start();
        pendingId = engine.submit(new Agent("etl-agent", List.of("alice")),
                SubmissionParser.action(StrictJson.parseObject(ACTION.getBytes(StandardCharsets.UTF_8))), null).toCompletableFuture().get().view().id();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        engine.close();
        journal.close();
    }

    @Test
    void hostileBodies_areNever5xx_alwaysProblemJsonWhenRefused_andRefusalsJournalNothing() throws Exception {
        HostileBodies bodies = new HostileBodies(SEED);
        List<Endpoint> endpoints = endpoints();
        int refused = 0;
        for (int i = 0; i < REQUESTS; i++) {
            Endpoint endpoint = endpoints.get(bodies.nextInt(endpoints.size()));
            byte[] body = bodies.next(endpoint.validBody());
            long before = journal.size();
            HttpResponse<String> answer = post(endpoint, body);
            String context = "seed " + SEED + ", request " + i + ": POST " + endpoint.path() + " "
                    + new String(body, StandardCharsets.UTF_8) + "\n-> " + answer.statusCode() + " "
                    + answer.body();
            assertTrue(answer.statusCode() < 500, context);
            if (answer.statusCode() >= 400) {
                refused++;
                assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""),
                        context);
                JsonNode problem = JSON.readTree(answer.body());
                assertFalse(problem.path("reason").asText().isBlank(), context);
                assertEquals(answer.statusCode(), problem.path("status").asInt(), context);
                if (!AUDITED_REFUSALS.contains(answer.statusCode())) {
                    assertEquals(before, journal.size(), "a refusal journaled something: " + context);
                }
            }
        }
        assertTrue(refused > REQUESTS / 2, "most hostile bodies are refused, not " + refused);
    }

    private record Endpoint(String path, String credential, String validBody) {
    }

    private static List<Endpoint> endpoints() {
        return List.of(
                new Endpoint("/v1/actions", AGENT_KEY, ACTION),
                new Endpoint("/v1/actions/" + pendingId + "/reviews", REVIEWER_TOKEN,
                        "{\"verdict\":\"approve\",\"comment\":\"fuzz\"}"),
                new Endpoint("/v1/standing-approvals", REVIEWER_TOKEN, "{\"group\":\"data-owners\","
                        + "\"agent\":\"etl-agent\",\"onBehalfOf\":\"alice\",\"action\":\"data.export\","
                        + "\"environment\":\"staging\",\"bounds\":[{\"parameter\":\"rows\",\"op\":\"<=\","
                        + "\"value\":10}],\"validFor\":\"PT30M\",\"maxUses\":3,\"reason\":\"fuzz\"}"),
                new Endpoint("/v1/grants/consume", AGENT_KEY, "{\"grant\":\"e30.e30.AAAA\",\"action\":" + ACTION
                        + "}"),
                new Endpoint("/v1/actions/" + pendingId + "/execution", AGENT_KEY, "{\"outcome\":\"success\","
                        + "\"resultDigest\":\"sha256:00\",\"affected\":5,\"detail\":\"fuzz\"}"),
                new Endpoint("/v1/policy/changes", REVIEWER_TOKEN, "{\"description\":\"fuzz\","
                        + "\"files\":{\"rules.yaml\":\"rules: []\"}}"));
    }

    private HttpResponse<String> post(Endpoint endpoint, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + endpoint.path()))
                .header("Authorization", "Bearer " + endpoint.credential())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Policy changes are refused after their body is parsed: the parser is what is fuzzed here. */
    private static PolicyChanges refusingPolicyChanges() {
        return (PolicyChanges) Proxy.newProxyInstance(PolicyChanges.class.getClassLoader(),
                new Class<?>[] {PolicyChanges.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "propose" -> CompletableFuture.failedFuture(new RequestRejectedException(
                            RequestRejectedException.Reason.INVALID, "not in this test"));
                    case "changes" -> List.of();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** An OSGi configuration annotation with every attribute at its default. */
    private static <A> A defaults(Class<A> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> type;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> type.getSimpleName() + "(defaults)";
                    default -> method.getDefaultValue();
                }));
    }
}
