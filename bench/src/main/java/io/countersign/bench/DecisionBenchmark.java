package io.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Auto-decided requests over HTTP against the real distribution, each answered only after its journal entries are
 * fsynced: starts Countersign from distribution/target/countersign.tar.gz on a fresh data directory, offers fixed
 * rates open-loop, and writes bench/results/decisions-*.json.
 * <p>
 * Usage: {@code DecisionBenchmark [--rates 2000,5000,10000] [--connections 64] [--seconds 20] [--warmup 5]
 * [--data DIR] [--jvm-warmup 20]}; {@code --data} puts the journal on the disk you want to measure (default: under bench/target).
 */
public final class DecisionBenchmark {

    private static final String BODY = "{\"action\":\"db.query\",\"resource\":\"analytics.events\","
            + "\"environment\":\"staging\",\"parameters\":{\"sql\":\"select count(*) from events\"},"
            + "\"onBehalfOf\":\"alice\",\"justification\":\"dashboard refresh\"}";

    private DecisionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Double> rates = List.of(2_000d, 5_000d, 10_000d, 15_000d);
        int connections = 64;
        double seconds = 20;
        double warmup = 5;
        double jvmWarmup = 20;
        Path data = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rates" -> rates = java.util.Arrays.stream(args[i + 1].split(","))
                        .map(Double::parseDouble).toList();
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                case "--jvm-warmup" -> jvmWarmup = Double.parseDouble(args[i + 1]);
                case "--data" -> data = Path.of(args[i + 1]).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = Path.of("").toAbsolutePath();
        Path run = root.resolve("bench/target/run-" + System.currentTimeMillis());
        int port = BenchServer.freePort();
        if (data == null) {
            data = run.resolve("data");
        }
        Process server = start(root, run, data, port);
        try {
            BenchServer.awaitUp(port);
            JsonNode credentials = new ObjectMapper().readTree(data.resolve("demo-credentials.json").toFile());
            String agentKey = credentials.path("agents").get(0).path("key").asText();
            OpenLoopLoad load = new OpenLoopLoad(new InetSocketAddress("127.0.0.1", port), "/v1/actions", agentKey,
                    BODY);
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode report = mapper.createObjectNode();
            report.put("benchmark", "auto-decided requests over HTTP, journal fsynced before every answer");
            report.put("when", Instant.now().toString());
            report.put("cores", Runtime.getRuntime().availableProcessors());
            report.put("java", System.getProperty("java.version"));
            report.put("connections", connections);
            report.put("seconds", seconds);
            report.put("dataDirectory", data.toString());
            ArrayNode results = report.putArray("results");
            // The JIT compiles Jetty, Jackson and the rule engine during the first seconds; that is not steady state.
            load.run(Math.min(rates.get(0), 5_000), connections, 0, jvmWarmup);
            report.put("jvmWarmupSeconds", jvmWarmup);
            System.out.printf(Locale.ROOT, "%10s %12s %10s %10s %10s %10s %8s%n", "offered/s", "achieved/s", "p50 ms",
                    "p99 ms", "p99.9 ms", "max ms", "errors");
            for (double rate : rates) {
                OpenLoopLoad.Result result = load.run(rate, connections, warmup, seconds);
                var h = result.latencyNanos();
                System.out.printf(Locale.ROOT, "%10.0f %12.0f %10.3f %10.3f %10.3f %10.3f %8d%n", rate,
                        result.throughput(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                        ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), result.errors());
                results.addObject().put("offeredPerSecond", rate).put("achievedPerSecond", result.throughput())
                        .put("completed", result.completed()).put("errors", result.errors())
                        .put("p50Ms", ms(h.getValueAtPercentile(50))).put("p99Ms", ms(h.getValueAtPercentile(99)))
                        .put("p999Ms", ms(h.getValueAtPercentile(99.9))).put("maxMs", ms(h.getMaxValue()));
            }
            Path out = root.resolve("bench/results/decisions-" + Instant.now().toString().replace(':', '-')
                    + ".json");
            Files.createDirectories(out.getParent());
            mapper.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
            System.out.println("results written to " + root.relativize(out));
        } finally {
            server.descendants().forEach(ProcessHandle::destroy);
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static Process start(Path root, Path run, Path data, int port) throws IOException, InterruptedException {
        return BenchServer.launch(BenchServer.unpack(root, run), run, port, data, root.resolve("rules"), Map.of());
    }
}
