package io.countersign.intake.mcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.ExecutionOutcome;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyContext;
import io.countersign.api.PolicyEngine;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.core.internal.ApprovalEngine;
import io.countersign.journal.internal.FileJournal;
import io.countersign.signing.internal.KeyRing;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The gateway component in process, on the real approval core and journal: an SDK client calls through it to an
 * upstream MCP server (an SDK server, on this bundle's own transport), which counts what it runs. The policy is a
 * function of the action: {@code t.read} is allowed, {@code t.write} needs one data owner.
 */
class McpGatewayTest {

    private static final String AGENT_KEY = "agent-key";
    private static final String UPSTREAM_KEY = "upstream-key";
    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());
    private static final JsonSchemaValidator NO_VALIDATION = (schema, content) ->
            JsonSchemaValidator.ValidationResponse.asValid(null);

    @TempDir
    Path dir;

    private final AtomicInteger runs = new AtomicInteger();
    private final Reviewer bob = new Reviewer("bob", Set.of("data-owners"), Map.of());
    private FileJournal journal;
    private ApprovalEngine engine;
    private McpGateway gateway;
    private McpAsyncServer upstream;
    private Server upstreamServer;
    private Server gatewayServer;
    private int gatewayPort;

    @BeforeEach
    void start() throws Exception {
        journal = FileJournal.open(dir.resolve("journal"), 1 << 20);
        InMemoryDirectory directory = new InMemoryDirectory(bob)
                .withAgent(AGENT_KEY, new Agent("etl-agent", List.of("alice")));
        PolicyEngine policy = new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent, PolicyContext context) {
                return request.action().action().equals("t.read")
                        ? new Decision(Outcome.ALLOW, List.of("reads are fine"), List.of("read"), "sha256:t", null)
                        : new Decision(Outcome.REVIEW, List.of("writes need an owner"), List.of("write"), "sha256:t",
                                new ReviewRoute(List.of(new GroupQuorum("data-owners", 1)), Duration.ofMinutes(5), 1));
            }

            @Override
            public String version() {
                return "sha256:t";
            }
        };
        engine = new ApprovalEngine(journal, policy, KeyRing.open(dir.resolve("keys"), "test.example/mcp"),
                directory, ApprovalEngine.defaultConfig());

        int upstreamPort = startUpstream();
        Map<String, Object> properties = new HashMap<>();
        properties.put("upstream.up", "http://127.0.0.1:" + upstreamPort + "/mcp");
        properties.put("tool.read.action", "t.read");
        properties.put("tool.read.resource", "arg:path");
        properties.put("tool.write.action", "t.write");
        properties.put("tool.write.resource", "arg:path");
        properties.put("progressIntervalSeconds", "1");
        properties.put("reviewWaitSeconds", "30");
        gateway = new McpGateway(engine, directory, properties);
        gatewayServer = jetty(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return gateway.handle(request, response, callback);
            }
        });
        gatewayPort = ((ServerConnector) gatewayServer.getConnectors()[0]).getLocalPort();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (McpSyncClient client = client()) {
            while (!client.listTools().tools().stream().map(McpSchema.Tool::name).toList().contains("write")) {
                assertTrue(System.nanoTime() < deadline, "the gateway never listed the upstream's tools");
                Thread.sleep(50);
            }
        }
    }

    /** An upstream MCP server whose tools count their runs; it wants a key too, which its front door adds. */
    private int startUpstream() throws Exception {
        InMemoryDirectory keys = new InMemoryDirectory().withAgent(UPSTREAM_KEY, new Agent("gateway", List.of()));
        StreamableHttpTransport transport = new StreamableHttpTransport(keys, JSON, 1 << 20);
        McpServer.AsyncSpecification<?> spec = McpServer.async(transport).serverInfo("upstream", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .jsonMapper(JSON).jsonSchemaValidator(NO_VALIDATION).validateToolInputs(false);
        for (String name : List.of("read", "write")) {
            spec.tools(McpServerFeatures.AsyncToolSpecification.builder()
                    .tool(McpSchema.Tool.builder(name).inputSchema(Map.of("type", "object")).build())
                    .callHandler((exchange, call) -> Mono.fromSupplier(() -> McpSchema.CallToolResult.builder()
                            .addTextContent(name + " #" + runs.incrementAndGet() + " " + call.arguments().get("path"))
                            .build()))
                    .build());
        }
        upstream = spec.build();
        upstreamServer = jetty(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                HttpFields headers = HttpFields.build(request.getHeaders()).put("Authorization",
                        "Bearer " + UPSTREAM_KEY);
                return transport.handle(new Request.Wrapper(request) {
                    @Override
                    public HttpFields getHeaders() {
                        return headers;
                    }
                }, response, callback);
            }
        });
        return ((ServerConnector) upstreamServer.getConnectors()[0]).getLocalPort();
    }

    private static Server jetty(Handler handler) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        gateway.deactivate();
        gatewayServer.stop();
        upstream.close();
        upstreamServer.stop();
        engine.close();
        journal.close();
    }

    private McpSyncClient client() {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + gatewayPort).endpoint("/mcp").jsonMapper(JSON)
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + AGENT_KEY))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .jsonSchemaValidator(NO_VALIDATION).build();
        client.initialize();
        return client;
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, String path) {
        return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(Map.of("path", path)).build());
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private static String requestId(McpSchema.CallToolResult result) {
        return (String) result.meta().get(Outcomes.META_REQUEST);
    }

    @Test
    void anAllowedCallRunsOnce_andItsExecutionIsReportedWithTheResultDigest() {
        McpSchema.CallToolResult result;
        try (McpSyncClient client = client()) {
            result = call(client, "read", "/a");
        }
        assertFalse(Boolean.TRUE.equals(result.isError()), text(result));
        assertEquals("read #1 /a", text(result));
        RequestView view = engine.find(requestId(result)).orElseThrow();
        assertEquals(RequestStatus.ALLOWED, view.status());
        assertNotNull(view.grantConsumedAt());
        assertEquals(ExecutionOutcome.SUCCESS, view.execution().outcome());
        assertTrue(view.execution().resultDigest().startsWith("sha256:"));
        assertEquals("/a", view.request().action().resource());
        assertEquals("etl-agent", view.request().action().requester());
        assertEquals(List.of("alice"), view.request().action().onBehalfOf());
    }

    @Test
    void anIdenticalCallAfterTheFirstHasRun_isANewRequest_notARunOfTheOldGrant() {
        try (McpSyncClient client = client()) {
            McpSchema.CallToolResult first = call(client, "read", "/a");
            McpSchema.CallToolResult second = call(client, "read", "/a");
            assertFalse(Boolean.TRUE.equals(second.isError()), text(second));
            assertNotEquals(requestId(first), requestId(second));
            assertEquals("read #2 /a", text(second));
        }
        assertEquals(2, runs.get());
    }

    @Test
    void identicalCallsWhileOneWaits_shareOneRequest_andTheToolRunsOnceOnApproval() throws Exception {
        try (McpSyncClient one = client(); McpSyncClient two = client()) {
            CompletableFuture<McpSchema.CallToolResult> first = CompletableFuture.supplyAsync(() ->
                    call(one, "write", "/w"));
            CompletableFuture<McpSchema.CallToolResult> second = CompletableFuture.supplyAsync(() ->
                    call(two, "write", "/w"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (engine.pending().isEmpty()) {
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(20);
            }
            Thread.sleep(500);
            assertEquals(1, engine.pending().size(), "one request for both calls");
            assertEquals(0, runs.get(), "nothing runs before the approval");
            String id = engine.pending().get(0).id();
            engine.review(bob, id, Verdict.APPROVE, "ok").toCompletableFuture().get(10, TimeUnit.SECONDS);
            McpSchema.CallToolResult a = first.get(30, TimeUnit.SECONDS);
            McpSchema.CallToolResult b = second.get(30, TimeUnit.SECONDS);
            assertEquals("write #1 /w", text(a));
            assertEquals(text(a), text(b));
            assertEquals(id, requestId(a));
            assertEquals(id, requestId(b));
        }
        assertEquals(1, runs.get());
    }

    @Test
    void whenTheJournalCannotWrite_nothingRuns_andTheCallIsAToolError() {
        journal.close();
        McpSchema.CallToolResult result;
        try (McpSyncClient client = client()) {
            result = call(client, "read", "/a");
        }
        assertTrue(Boolean.TRUE.equals(result.isError()), text(result));
        assertTrue(text(result).contains("not run"), text(result));
        assertEquals(0, runs.get());
    }
}
