package io.countersign.intake.mcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.Agent;
import io.countersign.api.testing.InMemoryDirectory;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The transport on a real Jetty 12 server, spoken to by the MCP SDK's own client (and by hand where a client would
 * not misbehave): initialize and its session, SSE answers with progress notifications, JSON answers, and the agent
 * key on every request.
 */
class StreamableHttpTransportTest {

    private static final String KEY = "agent-key-1";
    private static final String OTHER_KEY = "agent-key-2";
    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());
    private static final JsonSchemaValidator NO_VALIDATION = (schema, content) ->
            JsonSchemaValidator.ValidationResponse.asValid(null);

    private Server jetty;
    private McpAsyncServer mcp;
    private String base;
    private final List<String> seenAgents = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        InMemoryDirectory directory = new InMemoryDirectory()
                .withAgent(KEY, new Agent("analytics-agent", List.of("alice")))
                .withAgent(OTHER_KEY, new Agent("ops-agent", List.of("dave")));
        StreamableHttpTransport transport = new StreamableHttpTransport(directory, JSON, 1 << 20,
                (surface, code, status, detail, client) -> refusals.add(surface + " " + code + " " + status + " "
                        + client));
        McpSchema.Tool echo = McpSchema.Tool.builder("echo").description("echoes with two progress steps")
                .inputSchema(Map.of("type", "object")).build();
        mcp = McpServer.async(transport).serverInfo("test", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .jsonMapper(JSON).jsonSchemaValidator(NO_VALIDATION).validateToolInputs(false)
                .tools(McpServerFeatures.AsyncToolSpecification.builder().tool(echo).callHandler((exchange, call) -> {
                    Agent agent = (Agent) exchange.transportContext().get(StreamableHttpTransport.AGENT);
                    seenAgents.add(agent.id() + " for " + exchange.transportContext()
                            .get(StreamableHttpTransport.ON_BEHALF_OF));
                    Object token = call.meta() == null ? null : call.meta().get("progressToken");
                    Mono<Void> progress = token == null ? Mono.empty()
                            : exchange.progressNotification(new McpSchema.ProgressNotification(token, 1.0, 2.0,
                                    "first", null))
                            .then(exchange.progressNotification(new McpSchema.ProgressNotification(token, 2.0, 2.0,
                                    "second", null)));
                    return progress.then(Mono.just(McpSchema.CallToolResult.builder()
                            .addTextContent("echo " + call.arguments().get("text")).build()));
                }).build())
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return transport.handle(request, response, callback);
            }
        });
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        mcp.close();
        jetty.stop();
    }

    private McpSyncClient client(String key, List<McpSchema.ProgressNotification> progress) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp")
                .jsonMapper(JSON)
                .httpRequestCustomizer((builder, method, uri, body, context) ->
                        builder.header("Authorization", "Bearer " + key))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).jsonSchemaValidator(NO_VALIDATION)
                .progressConsumer(progress::add).build();
    }

    @Test
    void theSdkClientInitializesListsAndCalls_receivingProgressOnTheCallsStream() throws InterruptedException {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = client(KEY, progress)) {
            McpSchema.InitializeResult init = client.initialize();
            assertEquals("test", init.serverInfo().name());
            assertEquals(List.of("echo"), client.listTools().tools().stream().map(McpSchema.Tool::name).toList());
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("echo")
                    .arguments(Map.of("text", "hi")).progressToken("p-1").build());
            assertEquals("echo hi", ((McpSchema.TextContent) result.content().get(0)).text());
            // the stream carries them in order; the SDK's client hands notifications to the consumer on threads of
            // its own, so they may reach the list in either order and after the result
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
            while (progress.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("first", "second"), progress.stream()
                    .sorted(java.util.Comparator.comparingDouble(McpSchema.ProgressNotification::progress))
                    .map(McpSchema.ProgressNotification::message).toList());
            assertTrue(progress.stream().allMatch(notification -> "p-1".equals(notification.progressToken())));
        }
        assertEquals(List.of("analytics-agent for [alice]"), seenAgents);
    }

    @Test
    void withoutAnAgentKeyNothingIsServed() throws Exception {
        HttpResponse<String> answer = post(null, null, "application/json, text/event-stream", initialize());
        assertEquals(401, answer.statusCode());
        assertTrue(answer.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(List.of("intake-mcp credential-missing 401 127.0.0.1"), refusals);
        try (McpSyncClient client = client("not-a-key", new CopyOnWriteArrayList<>())) {
            assertThrows(RuntimeException.class, client::initialize);
        }
        assertTrue(refusals.contains("intake-mcp credential-unknown 401 127.0.0.1"), refusals.toString());
    }

    @Test
    void aSessionBelongsToTheAgentThatOpenedIt() throws Exception {
        HttpResponse<String> init = post(KEY, null, "application/json, text/event-stream", initialize());
        assertEquals(200, init.statusCode());
        assertTrue(init.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        assertEquals(404, post(OTHER_KEY, session, "application/json, text/event-stream", list).statusCode());
        assertEquals(404, post(KEY, "no-such-session", "application/json, text/event-stream", list).statusCode());
        assertEquals(400, post(KEY, null, "application/json, text/event-stream", list).statusCode());
        HttpResponse<String> sse = post(KEY, session, "application/json, text/event-stream", list);
        assertEquals(200, sse.statusCode());
        assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertTrue(sse.body().contains("event: message\ndata: {"), sse.body());
        assertTrue(sse.body().contains("\"echo\""), sse.body());
    }

    @Test
    void aClientThatDoesNotAcceptSseGetsJson_andNotificationsGet202() throws Exception {
        HttpResponse<String> init = post(KEY, null, "application/json", initialize());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertEquals(202, post(KEY, session, "application/json",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode());
        HttpResponse<String> call = post(KEY, session, "application/json", "{\"jsonrpc\":\"2.0\",\"id\":3,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"},"
                + "\"_meta\":{\"progressToken\":7}}}");
        assertEquals(200, call.statusCode());
        assertTrue(call.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        var body = new ObjectMapper().readTree(call.body());
        assertEquals(3, body.path("id").asInt());
        assertEquals("echo x", body.path("result").path("content").get(0).path("text").asText());
    }

    @Test
    void browsersAndOtherMethodsAreRefused_andDeleteEndsTheSession() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Authorization", "Bearer " + KEY).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        HttpResponse<String> browser = http.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Authorization", "Bearer " + KEY).header("Origin", "https://evil.example")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(initialize()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, browser.statusCode());
        assertEquals(List.of("intake-mcp browser-origin 403 127.0.0.1"), refusals);
        String session = post(KEY, null, "application/json", initialize()).headers()
                .firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Authorization", "Bearer " + KEY).header("Mcp-Session-Id", session).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, deleted.statusCode());
        assertEquals(404, post(KEY, session, "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").statusCode());
    }

    private static String initialize() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"1\"}}}";
    }

    private HttpResponse<String> post(String key, String session, String accept, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        HttpResponse<String> answer = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        assertNotNull(answer);
        return answer;
    }
}
