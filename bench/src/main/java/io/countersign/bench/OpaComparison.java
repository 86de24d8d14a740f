package io.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Countersign against a bare OPA server on the same machine, the same request and the same load generator: OPA
 * evaluates the default rule pack written in Rego ({@code bench/opa/countersign.rego}) and keeps nothing; Countersign
 * decides with Drools, journals three entries fsynced before it answers, and signs a grant. Both servers run, but only
 * the one under load is scheduled: the other is stopped with SIGSTOP for the round, so it takes no CPU.
 * <p>
 * Usage: {@code OpaComparison --opa PATH [--rounds 3] [--connections 64] [--seconds 15] [--warmup 3]
 * [--rates 2000,5000,10000] [--jvm-warmup 20] [--data DIR]}; writes {@code bench/results/opa-compare-*.json}.
 */
public final class OpaComparison {

    /** The request of issue 17's measurement: a read-only query in staging, allowed by both policies. */
    static final String ACTION = "{\"action\":\"db.query\",\"resource\":\"analytics.events\","
            + "\"environment\":\"staging\",\"parameters\":{\"sql\":\"select count(*) from events\"},"
            + "\"onBehalfOf\":\"alice\",\"justification\":\"dashboard refresh\"}";
    static final String OPA_QUERY = "/v1/data/countersign/decision";

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpaComparison() {
    }

    record Target(String name, Process process, OpenLoopLoad load) {
    }

    record Options(Path opa, int rounds, int connections, double seconds, double warmup, double jvmWarmup,
                   List<Double> rates, Path data) {

        static Options parse(String[] args) {
            Path opa = null;
            int rounds = 3;
            int connections = 64;
            double seconds = 15;
            double warmup = 3;
            double jvmWarmup = 20;
            List<Double> rates = List.of(2_000d, 5_000d, 10_000d);
            Path data = null;
            for (int i = 0; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--opa" -> opa = Path.of(args[i + 1]);
                    case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                    case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                    case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                    case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                    case "--jvm-warmup" -> jvmWarmup = Double.parseDouble(args[i + 1]);
                    case "--rates" -> rates = Stream.of(args[i + 1].split(",")).map(Double::parseDouble).toList();
                    case "--data" -> data = Path.of(args[i + 1]).toAbsolutePath();
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (opa == null || !Files.isExecutable(opa)) {
                throw new IllegalArgumentException("--opa must name the opa binary (bench/scripts/install-opa.sh)");
            }
            return new Options(opa, rounds, connections, seconds, warmup, jvmWarmup, rates, data);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path opa = options.opa();
        int rounds = options.rounds();
        int connections = options.connections();
        double seconds = options.seconds();
        double warmup = options.warmup();
        double jvmWarmup = options.jvmWarmup();
        List<Double> rates = options.rates();
        Path root = Path.of("").toAbsolutePath();
        Path run = root.resolve("bench/target/opa-compare-" + System.currentTimeMillis());
        Files.createDirectories(run);
        Path data = options.data() != null ? options.data() : run.resolve("data");
        int countersignPort = BenchServer.freePort();
        int opaPort = BenchServer.freePort();
        Process countersign = BenchServer.launch(BenchServer.unpack(root, run), run, countersignPort, data,
                root.resolve("rules"), Map.of());
        Process opaServer = new ProcessBuilder(opa.toString(), "run", "--server", "--disable-telemetry",
                "--addr", "127.0.0.1:" + opaPort, "--log-level", "error",
                root.resolve("bench/opa/countersign.rego").toString())
                .redirectErrorStream(true).redirectOutput(run.resolve("opa.log").toFile()).start();
        // a benchmark stopped with Ctrl-C must not leave a server behind, least of all a stopped one
        Thread cleanup = new Thread(() -> stopAll(List.of(countersign, opaServer)), "opa-compare-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            BenchServer.awaitUp(countersignPort);
            awaitOpa(opaPort);
            JsonNode credentials = JSON.readTree(data.resolve("demo-credentials.json").toFile());
            String agentKey = credentials.path("agents").get(0).path("key").asText();
            Target countersignTarget = new Target("countersign", countersign, new OpenLoopLoad(
                    new InetSocketAddress("127.0.0.1", countersignPort), "/v1/actions", agentKey, ACTION));
            Target opaTarget = new Target("opa", opaServer, new OpenLoopLoad(
                    new InetSocketAddress("127.0.0.1", opaPort), OPA_QUERY, "unused", opaInput(ACTION)));
            checkAnswers(countersignPort, agentKey, opaPort);

            ObjectNode report = JSON.createObjectNode();
            report.put("benchmark", "Countersign (Drools, journal fsynced, grant signed) against a bare OPA server "
                    + "(Rego, no persistence), same request, same load generator, interleaved rounds");
            report.put("when", Instant.now().toString());
            report.put("cores", Runtime.getRuntime().availableProcessors());
            report.put("java", System.getProperty("java.version"));
            report.put("opa", version(opa));
            report.put("connections", connections);
            report.put("seconds", seconds);
            report.put("dataDirectory", data.toString());
            report.put("request", ACTION);
            // JIT compilation of Jetty, Jackson and the rules engine is not steady state
            only(countersignTarget, opaTarget, () -> countersignTarget.load().run(5_000, connections, 0, jvmWarmup));
            only(opaTarget, countersignTarget, () -> opaTarget.load().run(5_000, connections, 0, 5));
            ArrayNode roundsOut = report.putArray("rounds");
            List<Double> countersignClosed = new ArrayList<>();
            List<Double> opaClosed = new ArrayList<>();
            System.out.printf(Locale.ROOT, "%5s %-12s %-8s %10s %12s %9s %9s %9s %7s %6s%n", "round", "server", "mode",
                    "offered/s", "achieved/s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "load");
            for (int round = 1; round <= rounds; round++) {
                ObjectNode roundOut = roundsOut.addObject().put("round", round);
                // alternate who goes first, so neither always runs on a machine the other just heated
                List<Target> order = round % 2 == 1 ? List.of(countersignTarget, opaTarget)
                        : List.of(opaTarget, countersignTarget);
                for (Target target : order) {
                    Target other = target == countersignTarget ? opaTarget : countersignTarget;
                    ArrayNode results = roundOut.putArray(target.name());
                    OpenLoopLoad.Result closed = only(target, other,
                            () -> target.load().runClosed(connections, warmup, seconds));
                    results.add(row(round, target.name(), "closed", closed));
                    (target == countersignTarget ? countersignClosed : opaClosed).add(closed.throughput());
                    for (double rate : rates) {
                        OpenLoopLoad.Result open = only(target, other,
                                () -> target.load().run(rate, connections, warmup, seconds));
                        results.add(row(round, target.name(), "open", open));
                    }
                }
            }
            double ratio = median(countersignClosed) / median(opaClosed);
            ObjectNode summary = report.putObject("summary");
            summary.put("countersignClosedLoopMedianPerSecond", median(countersignClosed));
            summary.put("opaClosedLoopMedianPerSecond", median(opaClosed));
            summary.put("ratio", ratio);
            System.out.printf(Locale.ROOT, "closed loop, median of %d rounds: Countersign %.0f/s, OPA %.0f/s, "
                    + "ratio %.2f%n", rounds, median(countersignClosed), median(opaClosed), ratio);
            Path out = root.resolve("bench/results/opa-compare-" + Instant.now().toString().replace(':', '-')
                    + ".json");
            Files.createDirectories(out.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
            System.out.println("results written to " + root.relativize(out));
        } finally {
            stopAll(List.of(countersign, opaServer));
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway; it finds the servers gone
            }
        }
    }

    private static void stopAll(List<Process> processes) {
        for (Process process : processes) {
            try {
                signal("CONT", process);
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** OPA's input document for the action Countersign is asked about: the same fields, as the Rego reads them. */
    static String opaInput(String action) throws IOException {
        ObjectNode input = JSON.createObjectNode();
        input.set("input", JSON.readTree(action));
        return JSON.writeValueAsString(input);
    }

    @FunctionalInterface
    interface Measurement {
        OpenLoopLoad.Result run() throws IOException;
    }

    /** Runs {@code measurement} while {@code idle} is stopped, so the two servers never share the cores. */
    private static OpenLoopLoad.Result only(Target busy, Target idle, Measurement measurement)
            throws IOException, InterruptedException {
        signal("STOP", idle.process());
        try {
            return measurement.run();
        } finally {
            signal("CONT", idle.process());
        }
    }

    private static void signal(String signal, Process process) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
        process.descendants().forEach(child -> command.add(Long.toString(child.pid())));
        new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
    }

    private static ObjectNode row(int round, String server, String mode, OpenLoopLoad.Result result)
            throws IOException {
        Histogram h = result.latencyNanos();
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        System.out.printf(Locale.ROOT, "%5d %-12s %-8s %10s %12.0f %9.3f %9.3f %9.3f %7d %6s%n", round, server, mode,
                mode.equals("closed") ? "-" : String.format(Locale.ROOT, "%.0f", result.offeredPerSecond()),
                result.throughput(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), result.errors(), load);
        ObjectNode row = JSON.createObjectNode().put("mode", mode);
        if (mode.equals("open")) {
            row.put("offeredPerSecond", result.offeredPerSecond());
        }
        return row.put("achievedPerSecond", result.throughput()).put("completed", result.completed())
                .put("errors", result.errors()).put("p50Ms", ms(h.getValueAtPercentile(50)))
                .put("p99Ms", ms(h.getValueAtPercentile(99))).put("p999Ms", ms(h.getValueAtPercentile(99.9)))
                .put("maxMs", ms(h.getMaxValue())).put("loadAverage1m", Double.parseDouble(load));
    }

    /** Both answer the benchmark's request as an allowance before anything is measured. */
    private static void checkAnswers(int countersignPort, String agentKey, int opaPort) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> decided = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + countersignPort + "/v1/actions")).header("Authorization", "Bearer " + agentKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ACTION)).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> evaluated = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opaPort
                        + OPA_QUERY)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(opaInput(ACTION))).build(),
                HttpResponse.BodyHandlers.ofString());
        String countersignOutcome = JSON.readTree(decided.body()).path("decision").path("outcome").asText();
        String opaOutcome = JSON.readTree(evaluated.body()).path("result").path("outcome").asText();
        if (decided.statusCode() / 100 != 2 || !countersignOutcome.equalsIgnoreCase("allow")
                || !opaOutcome.equals("ALLOW")) {
            throw new IllegalStateException("the servers do not both allow the request: Countersign "
                    + decided.statusCode() + " " + decided.body() + ", OPA " + evaluated.statusCode() + " "
                    + evaluated.body());
        }
    }

    private static void awaitOpa(int port) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("OPA did not answer on port " + port);
    }

    private static String version(Path opa) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(opa.toString(), "version").redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor(10, TimeUnit.SECONDS);
        return out.lines().filter(line -> line.startsWith("Version:")).findFirst().orElse(out.strip());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
