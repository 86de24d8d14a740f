package io.countersign.itests;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An agent using an MCP client, the MCP Java SDK's own, through Countersign's gateway at /mcp. */
final class McpAgent implements AutoCloseable {

    static final McpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());

    private final McpSyncClient client;
    private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();

    McpAgent(int port, String agentKey) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + port).endpoint("/mcp").jsonMapper(JSON)
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + agentKey))
                .build();
        // the structured output is checked by the upstream that produced it; no schema library is needed here
        JsonSchemaValidator trusting = (schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(null);
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(120)).jsonSchemaValidator(trusting)
                .clientInfo(new McpSchema.Implementation("countersign-itest-agent", "1"))
                .progressConsumer(progress::add).build();
        client.initialize();
    }

    List<String> tools() {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    McpSchema.CallToolResult call(String tool, Map<String, Object> arguments, String progressToken) {
        McpSchema.CallToolRequest.Builder request = McpSchema.CallToolRequest.builder(tool).arguments(arguments);
        if (progressToken != null) {
            request.progressToken(progressToken);
        }
        return client.callTool(request.build());
    }

    List<McpSchema.ProgressNotification> progress() {
        return List.copyOf(progress);
    }

    /** Waits for a progress notification that matches. */
    McpSchema.ProgressNotification awaitProgress(Predicate<McpSchema.ProgressNotification> matching, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (McpSchema.ProgressNotification notification : progress) {
                if (matching.test(notification)) {
                    return notification;
                }
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("no matching progress notification within " + timeout + "; got " + progress);
    }

    static String text(McpSchema.CallToolResult result) {
        StringBuilder text = new StringBuilder();
        for (McpSchema.Content content : result.content()) {
            if (content instanceof McpSchema.TextContent part) {
                text.append(part.text());
            }
        }
        return text.toString();
    }

    static String requestId(McpSchema.CallToolResult result) {
        return result.meta() == null ? null : (String) result.meta().get("countersign/request");
    }

    @Override
    public void close() {
        client.closeGracefully();
    }
}
