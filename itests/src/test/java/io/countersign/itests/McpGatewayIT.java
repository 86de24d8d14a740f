package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.json.Jcs;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The MCP gateway in the assembled distribution (feature countersign-intake-mcp), started as an operator starts it,
 * in front of two real MCP servers run with Node: the filesystem server over stdio (started by the gateway) and the
 * "everything" server over Streamable HTTP (started here). The agent is the MCP Java SDK's own client; reviewers
 * answer through the REST API.
 * <p>
 * Mapping (etc/io.countersign.intake.mcp.cfg): {@code read_text_file} and {@code echo} are {@code db.query}
 * (allowed in production without personal data); {@code write_file} is {@code files.write} (rules/mcp-files.drl: a
 * data owner and security; credentials denied); {@code get-sum} is {@code db.write} (a data owner and security).
 * A test rule gives writes under {@code expiring/} a three-second deadline.
 */
public class McpGatewayIT {

    private static final String AGENT = "analytics-agent";
    private static final String FEATURE = "countersign-intake-mcp";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Distribution distribution;
    private static Process everything;
    private static int everythingPort;
    private static Path files;
    private static Credentials credentials;
    private static Api api;
    private static int port;

    @BeforeClass
    public static void startCountersignWithTheGateway() throws Exception {
        McpUpstreams upstreams = McpUpstreams.install();
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "mcp-");
        files = Files.createDirectories(dir.resolve("files"));
        Files.writeString(files.resolve("notes.txt"), "quarterly numbers: 42\n");
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (Stream<Path> drl = Files.list(Path.of(System.getProperty("countersign.rules")))) {
            for (Path file : drl.filter(p -> p.toString().endsWith(".drl")).toList()) {
                Files.copy(file, rules.resolve(file.getFileName()));
            }
        }
        Files.writeString(rules.resolve("itest-mcp.drl"), String.join("\n",
                "package countersign.rules.itest;",
                "import io.countersign.policy.model.ActionFact;",
                "rule \"itest: writes under expiring/ get a three-second deadline\"",
                "when",
                "    $a : ActionFact(action == \"files.write\", resource matches \".*/expiring/.*\")",
                "then",
                "    $a.deadline(\"PT3S\");",
                "end", ""));
        everythingPort = McpUpstreams.freePort();
        everything = upstreams.startEverything(everythingPort, dir.resolve("everything.log"));
        distribution = Distribution.unpack(dir.resolve("countersign"));
        distribution.configure("io.countersign.intake.mcp",
                "upstream.files = stdio:" + upstreams.filesystemCommand(files),
                "upstream.everything = http://127.0.0.1:" + everythingPort + "/mcp",
                "tool.read_text_file.action = db.query",
                "tool.read_text_file.resource = arg:path",
                "tool.read_text_file.parameters = path,head,tail",
                "tool.write_file.action = files.write",
                "tool.write_file.resource = arg:path",
                "tool.write_file.parameters = path",
                "tool.echo.action = db.query",
                "tool.echo.resource = everything:echo",
                "tool.get-sum.action = db.write",
                "tool.get-sum.resource = everything:sum",
                "reviewWaitSeconds = 60",
                "progressIntervalSeconds = 1");
        distribution.withEnvironment("COUNTERSIGN_RULES_DIR", rules.toString());
        distribution.start();
        // at the console, as an operator adds it (COUNTERSIGN_FEATURES knows only the channel and Fabric features)
        Distribution.Console installed = distribution.console("feature:install " + FEATURE);
        assertEquals(installed.output(), 0, installed.exitCode());
        credentials = Credentials.read(distribution.data().resolve("demo-credentials.json"));
        api = distribution.api();
        port = portOf(distribution);
        awaitTools(List.of("read_text_file", "write_file", "echo", "get-sum"));
    }

    @AfterClass
    public static void stopAll() throws Exception {
        if (distribution != null) {
            distribution.close();
        }
        if (everything != null) {
            everything.destroyForcibly();
        }
    }

    /** The distribution's HTTP port, as its API client knows it. */
    private static int portOf(Distribution distribution) throws Exception {
        var field = Api.class.getDeclaredField("base");
        field.setAccessible(true);
        String base = (String) field.get(distribution.api());
        return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    }

    private static McpAgent agent() {
        return new McpAgent(port, credentials.agentKey(AGENT));
    }

    /** Waits until the gateway serves these tools (it connects to its upstreams after it starts). */
    private static void awaitTools(List<String> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<String> tools = List.of();
        while (System.nanoTime() < deadline) {
            try (McpAgent agent = agent()) {
                tools = agent.tools();
                if (tools.containsAll(expected)) {
                    return;
                }
            } catch (RuntimeException e) {
                tools = List.of("(" + e.getMessage() + ")");
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the gateway never served " + expected + "; it served " + tools);
    }

    private static JsonNode request(String id) throws Exception {
        Api.Answer shown = api.get("/v1/actions/" + id, credentials.reviewerToken("bob"));
        assertEquals(shown.raw(), 200, shown.status());
        return shown.body();
    }

    private static void vote(String id, String reviewer, String verdict, String comment) throws Exception {
        Api.Answer answer = api.post("/v1/actions/" + id + "/reviews", credentials.reviewerToken(reviewer),
                "{\"verdict\":\"" + verdict + "\",\"comment\":\"" + comment + "\"}");
        assertEquals(answer.raw(), 200, answer.status());
    }

    private static long journalSize() throws Exception {
        return api.get("/v1/health", null).body().path("journalSize").asLong();
    }

    /** The request id a waiting call's first progress notification names. */
    private static String waitingRequest(McpAgent agent, String token) throws InterruptedException {
        McpSchema.ProgressNotification waiting = agent.awaitProgress(p -> token.equals(p.progressToken())
                && p.message() != null && p.message().startsWith("Waiting for review of request "), WAIT);
        String rest = waiting.message().substring("Waiting for review of request ".length());
        return rest.substring(0, rest.indexOf(':'));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    // ------------------------------------------------------------------------------------------------------ tests

    @Test
    public void anAllowedReadRunsAtOnce_andItsResultDigestIsTheExecutionReport() throws Exception {
        Path notes = files.resolve("notes.txt");
        McpSchema.CallToolResult result;
        try (McpAgent agent = agent()) {
            result = agent.call("read_text_file", Map.of("path", notes.toString()), null);
        }
        assertFalse(McpAgent.text(result), Boolean.TRUE.equals(result.isError()));
        assertTrue(McpAgent.text(result), McpAgent.text(result).contains("quarterly numbers: 42"));
        String id = McpAgent.requestId(result);
        assertNotNull("the result names its request", id);

        JsonNode request = request(id);
        assertEquals("allowed", request.path("status").asText());
        assertEquals("db.query", request.path("action").asText());
        assertEquals(notes.toString(), request.path("resource").asText());
        assertEquals(AGENT, request.path("requester").asText());
        assertTrue(request.toString(), request.path("grant").path("consumedAt").isTextual());
        JsonNode execution = request.path("execution");
        assertEquals(request.toString(), "success", execution.path("outcome").asText());
        // the digest is over the upstream's result as it was, before the gateway named the request in _meta
        Map<String, Object> meta = new LinkedHashMap<>(result.meta());
        meta.remove("countersign/request");
        McpSchema.CallToolResult upstream = new McpSchema.CallToolResult(result.content(), result.isError(),
                result.structuredContent(), meta.isEmpty() ? null : meta);
        assertEquals(sha256(Jcs.canonicalize(MAPPER.valueToTree(upstream))),
                execution.path("resultDigest").asText());
    }

    @Test
    public void aReviewedWriteWaitsWithProgress_anIdenticalRetryJoinsIt_andTheApprovedCallRuns() throws Exception {
        Path out = files.resolve("approved.txt");
        Map<String, Object> arguments = Map.of("path", out.toString(), "content", "approved by two reviewers\n");
        try (McpAgent first = agent(); McpAgent second = agent()) {
            CompletableFuture<McpSchema.CallToolResult> waiting =
                    CompletableFuture.supplyAsync(() -> first.call("write_file", arguments, "write-1"));
            String id = waitingRequest(first, "write-1");
            String message = first.progress().get(0).message();
            assertTrue(message, message.contains("data-owners") && message.contains("security"));
            assertTrue(message, message.contains("bob") && message.contains("dave"));
            assertFalse("alice is the human the agent acts for: she is not asked: " + message,
                    message.contains("alice"));
            assertTrue(message, message.contains("deadline"));
            first.awaitProgress(p -> "write-1".equals(p.progressToken()) && p.progress() >= 2, WAIT);

            CompletableFuture<McpSchema.CallToolResult> retried =
                    CompletableFuture.supplyAsync(() -> second.call("write_file", arguments, "write-2"));
            second.awaitProgress(p -> "write-2".equals(p.progressToken()), WAIT);
            Thread.sleep(500);
            assertFalse("nothing runs before the approval", Files.exists(out));
            assertFalse(waiting.isDone());
            List<String> pendingForBob = new ArrayList<>();
            for (JsonNode pending : api.get("/v1/reviews/pending", credentials.reviewerToken("bob")).body()
                    .path("pending")) {
                if (pending.path("resource").asText().equals(out.toString())) {
                    pendingForBob.add(pending.path("id").asText());
                }
            }
            assertEquals("the retried call joined the first request", List.of(id), pendingForBob);

            vote(id, "bob", "approve", "fine");
            Thread.sleep(300);
            assertFalse("one of two approvals runs nothing", Files.exists(out));
            vote(id, "dave", "approve", "ok");

            McpSchema.CallToolResult result = waiting.get(60, TimeUnit.SECONDS);
            McpSchema.CallToolResult joined = retried.get(60, TimeUnit.SECONDS);
            assertFalse(McpAgent.text(result), Boolean.TRUE.equals(result.isError()));
            assertEquals(id, McpAgent.requestId(result));
            assertEquals(id, McpAgent.requestId(joined));
            assertEquals(McpAgent.text(result), McpAgent.text(joined));
            assertEquals("approved by two reviewers\n", Files.readString(out));

            JsonNode request = request(id);
            assertEquals("approved", request.path("status").asText());
            assertEquals("files.write", request.path("action").asText());
            assertEquals("success", request.path("execution").path("outcome").asText());
            assertTrue(request.toString(), request.path("parameters").path("argumentsSha256")
                    .asText().startsWith("sha256:"));
            assertFalse("only the listed arguments are shown",
                    request.path("parameters").has("content"));
        }
    }

    @Test
    public void aCallWhoseClientWentAwayIsNotRunWhenApproved_andAnIdenticalCallRunsItLater() throws Exception {
        Path out = files.resolve("abandoned.txt");
        Map<String, Object> arguments = Map.of("path", out.toString(), "content", "run by the second call\n");
        McpAgent gone = agent();
        CompletableFuture.runAsync(() -> gone.call("write_file", arguments, "a-1"));
        String id = waitingRequest(gone, "a-1");
        gone.close();
        Thread.sleep(3000); // a progress notification a second: the gateway finds the client gone when it writes
        vote(id, "bob", "approve", "fine");
        vote(id, "dave", "approve", "fine");
        Thread.sleep(2000);
        assertFalse("an approval nobody waits for runs nothing", Files.exists(out));
        JsonNode approved = request(id);
        assertEquals("approved", approved.path("status").asText());
        assertTrue(approved.toString(), approved.path("grant").path("consumedAt").isMissingNode());

        try (McpAgent agent = agent()) {
            McpSchema.CallToolResult result = agent.call("write_file", arguments, null);
            assertFalse(McpAgent.text(result), Boolean.TRUE.equals(result.isError()));
            assertEquals("the identical call joined the approved request", id, McpAgent.requestId(result));
        }
        assertEquals("run by the second call\n", Files.readString(out));
    }

    @Test
    public void aPolicyDenialIsAToolErrorWithThePolicysReasons() throws Exception {
        Path key = files.resolve(".ssh/authorized_keys");
        McpSchema.CallToolResult result;
        try (McpAgent agent = agent()) {
            result = agent.call("write_file", Map.of("path", key.toString(), "content", "ssh-ed25519 AAAA"), "d-1");
        }
        assertTrue(Boolean.TRUE.equals(result.isError()));
        String text = McpAgent.text(result);
        assertTrue(text, text.contains("policy denied"));
        assertTrue(text, text.contains("agents may not write credentials or keys"));
        String id = McpAgent.requestId(result);
        assertTrue(text, text.contains(id));
        assertEquals("denied", request(id).path("status").asText());
        assertFalse(Files.exists(key));
    }

    @Test
    public void aReviewersDenialIsAToolErrorWithTheirComment() throws Exception {
        Path out = files.resolve("denied.txt");
        try (McpAgent agent = agent()) {
            CompletableFuture<McpSchema.CallToolResult> waiting = CompletableFuture.supplyAsync(() ->
                    agent.call("write_file", Map.of("path", out.toString(), "content", "x"), "r-1"));
            String id = waitingRequest(agent, "r-1");
            vote(id, "dave", "deny", "use the staging bucket instead");
            McpSchema.CallToolResult result = waiting.get(60, TimeUnit.SECONDS);
            assertTrue(Boolean.TRUE.equals(result.isError()));
            String text = McpAgent.text(result);
            assertTrue(text, text.contains("Reviewers denied"));
            assertTrue(text, text.contains("dave denied: \"use the staging bucket instead\""));
            assertTrue(text, text.contains(id));
        }
        assertFalse(Files.exists(out));
    }

    @Test
    public void aCallNobodyDecidesExpiresAtTheDeadline_asAToolError() throws Exception {
        Path out = files.resolve("expiring/late.txt");
        long started = System.nanoTime();
        McpSchema.CallToolResult result;
        try (McpAgent agent = agent()) {
            result = agent.call("write_file", Map.of("path", out.toString(), "content", "x"), "e-1");
            assertTrue(agent.progress().toString(), agent.progress().size() >= 1);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(Boolean.TRUE.equals(result.isError()));
        String text = McpAgent.text(result);
        assertTrue(text, text.contains("expired"));
        assertTrue("the call ended at the three-second deadline, not at the gateway's 60-second wait: " + took,
                took.compareTo(Duration.ofSeconds(2)) > 0 && took.compareTo(Duration.ofSeconds(30)) < 0);
        assertEquals("expired", request(McpAgent.requestId(result)).path("status").asText());
        assertFalse(Files.exists(out));
    }

    @Test
    public void anUnmappedToolIsRefused() throws Exception {
        try (McpAgent agent = agent()) {
            assertTrue("tools/list passes every upstream tool through", agent.tools().contains("move_file"));
            McpSchema.CallToolResult result = agent.call("move_file", Map.of("source", files.resolve("notes.txt")
                    .toString(), "destination", files.resolve("moved.txt").toString()), null);
            assertTrue(Boolean.TRUE.equals(result.isError()));
            assertTrue(McpAgent.text(result), McpAgent.text(result).contains("not mapped"));
        }
        assertTrue(Files.exists(files.resolve("notes.txt")));
    }

    @Test
    public void anUpstreamThatGoesDownRunsNothing_andAnApprovalMadeMeanwhileLeavesItsGrantUnused() throws Exception {
        try (McpAgent agent = agent()) {
            McpSchema.CallToolResult echoed = agent.call("echo", Map.of("message", "up"), null);
            assertFalse(McpAgent.text(echoed), Boolean.TRUE.equals(echoed.isError()));
            assertTrue(McpAgent.text(echoed), McpAgent.text(echoed).contains("up"));

            CompletableFuture<McpSchema.CallToolResult> waiting = CompletableFuture.supplyAsync(() ->
                    agent.call("get-sum", Map.of("a", 2, "b", 3), "sum-1"));
            String id = waitingRequest(agent, "sum-1");
            everything.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            vote(id, "bob", "approve", "ok");
            vote(id, "dave", "approve", "ok");
            McpSchema.CallToolResult result = waiting.get(60, TimeUnit.SECONDS);
            assertTrue(McpAgent.text(result), Boolean.TRUE.equals(result.isError()));
            assertTrue(McpAgent.text(result), McpAgent.text(result).contains("unavailable"));
            assertTrue(McpAgent.text(result), McpAgent.text(result).contains("grant was not used"));
            JsonNode request = request(id);
            assertEquals("approved", request.path("status").asText());
            assertTrue("the grant was not consumed: " + request, request.path("grant").isObject()
                    && request.path("grant").path("consumedAt").isMissingNode() && request.path("execution")
                    .isMissingNode());

            long before = journalSize();
            McpSchema.CallToolResult refused = agent.call("echo", Map.of("message", "down"), null);
            assertTrue(McpAgent.text(refused), Boolean.TRUE.equals(refused.isError()));
            assertTrue(McpAgent.text(refused), McpAgent.text(refused).contains("nothing was requested"));
            assertEquals("no request was made for a call to an upstream that is down", before, journalSize());
        }
    }

    @Test
    public void theFeatureRemovedWhileACallWaits_endsTheCallWithAToolError_andTheRetryAfterReinstallJoinsTheRequest()
            throws Exception {
        Path out = files.resolve("reinstalled.txt");
        Map<String, Object> arguments = Map.of("path", out.toString(), "content", "after the reinstall\n");
        String id;
        try (McpAgent agent = agent()) {
            CompletableFuture<McpSchema.CallToolResult> waiting =
                    CompletableFuture.supplyAsync(() -> agent.call("write_file", arguments, "u-1"));
            id = waitingRequest(agent, "u-1");
            Distribution.Console removed = distribution.console("feature:uninstall " + FEATURE);
            assertEquals(removed.output(), 0, removed.exitCode());
            // the gateway answers its waiting calls before it goes away
            McpSchema.CallToolResult ended = waiting.get(60, TimeUnit.SECONDS);
            assertTrue(McpAgent.text(ended), Boolean.TRUE.equals(ended.isError()));
            assertTrue(McpAgent.text(ended), McpAgent.text(ended).contains("stopped while this call waited"));
            assertTrue(McpAgent.text(ended), McpAgent.text(ended).contains("same arguments"));
        }
        assertFalse(Files.exists(out));
        assertEquals("the request stays open while the gateway is away", "pending",
                request(id).path("status").asText());
        vote(id, "bob", "approve", "fine");
        vote(id, "dave", "approve", "fine");
        assertFalse("an approval alone runs nothing", Files.exists(out));

        Distribution.Console installed = distribution.console("feature:install " + FEATURE);
        assertEquals(installed.output(), 0, installed.exitCode());
        awaitTools(List.of("write_file"));
        try (McpAgent agent = agent()) {
            McpSchema.CallToolResult result = agent.call("write_file", arguments, "u-2");
            assertFalse(McpAgent.text(result), Boolean.TRUE.equals(result.isError()));
            assertEquals("the retry joined the approved request", id, McpAgent.requestId(result));
        }
        assertEquals("after the reinstall\n", Files.readString(out, StandardCharsets.UTF_8));
        JsonNode request = request(id);
        assertEquals("success", request.path("execution").path("outcome").asText());
    }
}
