package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Assume;
import org.junit.Test;

/**
 * What the MCP gateway adds to an allowed call: the "everything" server's {@code echo} called at a fixed rate (open
 * loop: each call's latency counts from when it was due, so a stall is not hidden) directly and through the gateway
 * (echo mapped to {@code db.query}: allowed, so submit, grant consumption and the execution report are journaled on
 * every call). Runs only with {@code -Dcountersign.mcp.bench=true} (rates {@code countersign.mcp.bench.rates}, default
 * 500/s; a comma-separated list runs each, for {@code countersign.mcp.bench.seconds}, default 20, after 5 s of warm-up); writes
 * {@code target/mcp-gateway-overhead.txt}. {@code countersign.mcp.bench.javaOpts} adds options to Countersign's JVM
 * ({@code EXTRA_JAVA_OPTS}).
 */
public class McpGatewayOverheadIT {

    private static final JsonSchemaValidator TRUSTING = (schema, content) ->
            JsonSchemaValidator.ValidationResponse.asValid(null);

    record Run(String name, int rate, int calls, int errors, double p50, double p90, double p99, double max) {
        String line() {
            return String.format(Locale.ROOT, "%-28s %5d/s %7d calls %4d errors  p50 %7.2f ms  p90 %7.2f ms"
                    + "  p99 %7.2f ms  max %8.2f ms", name, rate, calls, errors, p50, p90, p99, max);
        }
    }

    @Test
    public void overheadOfAnAllowedCallAtAFixedRate() throws Exception {
        Assume.assumeTrue("run with -Dcountersign.mcp.bench=true", Boolean.getBoolean("countersign.mcp.bench"));
        String rates = System.getProperty("countersign.mcp.bench.rates", "500");
        int seconds = Integer.getInteger("countersign.mcp.bench.seconds", 20);
        McpUpstreams upstreams = McpUpstreams.install();
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "mcp-bench-");
        int everythingPort = McpUpstreams.freePort();
        Process everything = upstreams.startEverything(everythingPort, dir.resolve("everything.log"));
        try (Distribution distribution = Distribution.unpack(dir.resolve("countersign"))) {
            distribution.configure("io.countersign.intake.mcp",
                    "upstream.everything = http://127.0.0.1:" + everythingPort + "/mcp",
                    "tool.echo.action = db.query",
                    "tool.echo.resource = everything:echo");
            String javaOpts = System.getProperty("countersign.mcp.bench.javaOpts");
            if (javaOpts != null && !javaOpts.isBlank()) {
                distribution.withEnvironment("EXTRA_JAVA_OPTS", javaOpts);
            }
            distribution.start();
            Distribution.Console installed = distribution.console("feature:install countersign-intake-mcp");
            assertEquals(installed.output(), 0, installed.exitCode());
            String key = Credentials.read(distribution.data().resolve("demo-credentials.json"))
                    .agentKey("analytics-agent");
            String gateway = "http://127.0.0.1:" + port(distribution);
            String direct = "http://127.0.0.1:" + everythingPort;

            List<Run> runs = new ArrayList<>();
            McpAsyncClient toUpstream = client(direct, null);
            McpAsyncClient toGateway = client(gateway, key);
            awaitEcho(toGateway);
            StringBuilder report = new StringBuilder("MCP gateway overhead, echo of server-everything, open loop,"
                    + " each run " + seconds + " s after 5 s of warm-up at the same rate\n");
            for (String each : rates.split(",")) {
                int rate = Integer.parseInt(each.trim());
                run(toUpstream, rate, 5, "warm-up");
                Run d = run(toUpstream, rate, seconds, "direct");
                run(toGateway, rate, 5, "warm-up");
                Run g = run(toGateway, rate, seconds, "through the gateway");
                runs.add(d);
                runs.add(g);
                report.append(d.line()).append('\n').append(g.line()).append('\n').append(String.format(Locale.ROOT,
                        "  at %d/s the gateway adds p50 %.2f ms, p99 %.2f ms%n", rate, g.p50() - d.p50(),
                        g.p99() - d.p99()));
                Files.writeString(Path.of("target/mcp-gateway-overhead.txt"), report.toString());
            }
            toUpstream.closeGracefully().block();
            toGateway.closeGracefully().block();
            System.out.println(report);
            for (Run r : runs) {
                assertEquals(r.line(), 0, r.errors());
            }
        } finally {
            everything.destroyForcibly();
        }
    }

    private static int port(Distribution distribution) throws Exception {
        var field = Api.class.getDeclaredField("base");
        field.setAccessible(true);
        String base = (String) field.get(distribution.api());
        return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    }

    private static McpAsyncClient client(String base, String key) {
        HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint("/mcp").jsonMapper(McpAgent.JSON);
        if (key != null) {
            transport.httpRequestCustomizer((request, method, uri, body, context) ->
                    request.header("Authorization", "Bearer " + key));
        }
        McpAsyncClient client = McpClient.async(transport.build()).requestTimeout(Duration.ofSeconds(60))
                .jsonSchemaValidator(TRUSTING).build();
        client.initialize().block(Duration.ofSeconds(30));
        return client;
    }

    private static void awaitEcho(McpAsyncClient gateway) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                McpSchema.CallToolResult result = gateway.callTool(new McpSchema.CallToolRequest("echo",
                        Map.of("message", "ready"))).block(Duration.ofSeconds(10));
                if (result != null && !Boolean.TRUE.equals(result.isError())) {
                    return;
                }
            } catch (RuntimeException e) {
                // the gateway connects to its upstream after it starts
            }
            Thread.sleep(300);
        }
        throw new AssertionError("echo never answered through the gateway");
    }

    /** Calls echo {@code rate} times a second for {@code seconds}, each with its own message. */
    private static Run run(McpAsyncClient client, int rate, int seconds, String name) throws InterruptedException {
        int total = rate * seconds;
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            // catch up on every call that was due, so a late tick does not lower the rate
            long due = (now - start) / periodNanos + 1;
            while (sent.get() < Math.min(due, total)) {
                int i = sent.getAndIncrement();
                long dueAt = start + i * periodNanos;
                client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", name + "-" + i)))
                        .subscribe(result -> {
                            if (Boolean.TRUE.equals(result.isError())) {
                                errors.incrementAndGet();
                            }
                            latencies.add(System.nanoTime() - dueAt);
                            done.countDown();
                        }, failure -> {
                            errors.incrementAndGet();
                            done.countDown();
                        });
            }
        }, 0, 1, TimeUnit.MILLISECONDS);
        boolean finished = done.await(seconds + 120L, TimeUnit.SECONDS);
        ticker.shutdownNow();
        assertTrue(name + " did not finish", finished);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Run(name, rate, total, errors.get(), ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
