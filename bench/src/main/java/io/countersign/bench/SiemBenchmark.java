package io.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.siem.standin.Rsyslog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SIEM export against a real rsyslogd over RFC 5425 (GnuTLS, mutual X.509, octet counting), with the distribution run
 * as a process (feature {@code countersign-siem}, one OCSF sink):
 * <ol>
 * <li><b>approval path with and without a sink</b>: auto-decided requests offered open loop at {@code --rate}, runs
 * interleaved (without, with, without, with …); "without" is the sink's configuration removed, "with" the sink
 * present and draining to rsyslog while the load runs (it also has the previous run's entries to catch up);</li>
 * <li><b>catch-up after an outage</b>: rsyslog stopped, a backlog of {@code --backlog-requests} requests made (state
 * the rate and minutes it stands for), rsyslog started; the time until the sink reports lag 0, its events/s, and
 * rsyslog's file checked in journal order (every seq from the sink's starting point, duplicates only as a resent
 * suffix).</li>
 * </ol>
 * Needs rsyslogd with its gtls driver (itests/scripts/install-rsyslog.sh) and openssl. Writes
 * bench/results/siem-*.json. Usage: {@code SiemBenchmark [--rate 5000] [--runs 2] [--seconds 20] [--warmup 5]
 * [--connections 64] [--backlog-requests 150000] [--backlog-rate 5000] [--format ocsf] [--batch 500]}.
 */
public final class SiemBenchmark {

    private static final String BODY = "{\"action\":\"db.query\",\"resource\":\"analytics.events\","
            + "\"environment\":\"staging\",\"parameters\":{\"sql\":\"select count(*) from events\"},"
            + "\"onBehalfOf\":\"alice\",\"justification\":\"dashboard refresh\"}";
    private static final String SINK_PID = "io.countersign.siem.sink-bench";
    private static final Pattern SEQ = Pattern.compile("\\[countersign@32473 seq=\"(\\d+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SiemBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double rate = 5_000;
        int runs = 2;
        double seconds = 20;
        double warmup = 5;
        int connections = 64;
        long backlogRequests = 150_000;
        double backlogRate = 5_000;
        String format = "ocsf";
        int batch = 500;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--backlog-requests" -> backlogRequests = Long.parseLong(args[i + 1]);
                case "--backlog-rate" -> backlogRate = Double.parseDouble(args[i + 1]);
                case "--format" -> format = args[i + 1];
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = Path.of("").toAbsolutePath();
        Path run = root.resolve("bench/target/siem-" + System.currentTimeMillis());
        Path syslogDir = run.resolve("rsyslog");
        Rsyslog rsyslog = Rsyslog.create(syslogDir);
        rsyslog.start();
        int port = BenchServer.freePort();
        Path data = run.resolve("data");
        Path home = BenchServer.unpack(root, run);
        String sinkConfig = String.join("\n", "name = bench", "format = " + format, "transport = syslog",
                "target = " + rsyslog.target(), "trustCertificates = " + syslogDir.resolve("ca.pem"),
                "clientKeyStore = " + syslogDir.resolve("client.p12"), "batchSize = " + batch,
                "retryInitialMillis = 200", "retryMaxMillis = 1000", "") ;
        Path sinkFile = home.resolve("etc/" + SINK_PID + ".cfg");
        Process server = BenchServer.launch(home, run, port, data, root.resolve("rules"),
                Map.of("COUNTERSIGN_FEATURES", "countersign-siem",
                        "COUNTERSIGN_SIEM_KEYSTORE_PASSWORD", Rsyslog.KEYSTORE_PASSWORD));
        HttpClient http = HttpClient.newHttpClient();
        try {
            BenchServer.awaitUp(port);
            JsonNode credentials = JSON.readTree(data.resolve("demo-credentials.json").toFile());
            String agentKey = credentials.path("agents").get(0).path("key").asText();
            String reviewer = credentials.path("reviewers").get(0).path("token").asText();
            Status status = new Status(http, port, reviewer);
            status.awaitRoute();
            OpenLoopLoad load = new OpenLoopLoad(new InetSocketAddress("127.0.0.1", port), "/v1/actions", agentKey,
                    BODY);

            ObjectNode report = JSON.createObjectNode();
            report.put("benchmark", "SIEM export to a real rsyslogd over TLS (RFC 5425) from the running distribution");
            report.put("when", Instant.now().toString());
            report.put("cores", Runtime.getRuntime().availableProcessors());
            report.put("java", System.getProperty("java.version"));
            report.put("format", format);
            report.put("batchSize", batch);
            report.put("loadAverageAtStart", loadAverage());

            // the JIT compiles Jetty, Jackson and the rules first; the sink drains that warm-up before the runs
            Files.writeString(sinkFile, sinkConfig);
            status.awaitSink(true);
            load.run(Math.min(rate, 5_000), connections, 0, 20);
            status.awaitCaughtUp(600);

            ArrayNode approval = report.putArray("approvalPath");
            System.out.printf(Locale.ROOT, "%-8s %10s %10s %10s %10s %8s %14s %14s %8s%n", "sink", "achieved/s",
                    "p50 ms", "p99 ms", "p99.9 ms", "errors", "sink events/s", "lag after", "load");
            for (int i = 0; i < runs * 2; i++) {
                boolean withSink = i % 2 == 1;
                if (withSink) {
                    Files.writeString(sinkFile, sinkConfig);
                    status.awaitSink(true);
                } else {
                    Files.deleteIfExists(sinkFile);
                    status.awaitSink(false);
                }
                Status.Sink before = withSink ? status.sink() : null;
                long startNanos = System.nanoTime();
                OpenLoopLoad.Result result = load.run(rate, connections, warmup, seconds);
                double elapsed = (System.nanoTime() - startNanos) / 1e9;
                Status.Sink after = withSink ? status.sink() : null;
                var h = result.latencyNanos();
                double sinkRate = withSink ? (after.confirmed() - before.confirmed()) / elapsed : 0;
                String load1 = loadAverage();
                System.out.printf(Locale.ROOT, "%-8s %10.0f %10.3f %10.3f %10.3f %8d %14.0f %14d %8s%n",
                        withSink ? "with" : "without", result.throughput(), ms(h.getValueAtPercentile(50)),
                        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), result.errors(), sinkRate,
                        withSink ? after.lag() : 0, load1);
                ObjectNode row = approval.addObject().put("sink", withSink).put("offeredPerSecond", rate)
                        .put("achievedPerSecond", result.throughput()).put("completed", result.completed())
                        .put("errors", result.errors()).put("p50Ms", ms(h.getValueAtPercentile(50)))
                        .put("p99Ms", ms(h.getValueAtPercentile(99))).put("p999Ms", ms(h.getValueAtPercentile(99.9)))
                        .put("maxMs", ms(h.getMaxValue())).put("loadAverage", load1);
                if (withSink) {
                    row.put("sinkConfirmedPerSecondDuringRun", sinkRate).put("sinkLagAtEnd", after.lag())
                            .put("sinkBacklogAtStart", before.lag());
                }
            }

            // catch-up: the sink is on and caught up, rsyslog goes down, a backlog builds, rsyslog comes back
            if (!Files.exists(sinkFile)) {
                Files.writeString(sinkFile, sinkConfig);
                status.awaitSink(true);
            }
            status.awaitCaughtUp(900);
            rsyslog.stop();
            long receivedBefore = rsyslog.bytes();
            Status.Sink atOutage = status.sink();
            long backlogSeconds = Math.max(1, Math.round(backlogRequests / backlogRate));
            OpenLoopLoad.Result backlog = load.run(backlogRate, connections, 0, backlogSeconds);
            Thread.sleep(3_000); // the sink's last attempts fail and it backs off
            Status.Sink down = status.sink();
            long entries = down.journalSize() - atOutage.journalSize();
            String loadAtCatchUp = loadAverage();
            rsyslog.start();
            long catchUpStart = System.nanoTime();
            Status.Sink caughtUp = status.awaitCaughtUp(3_600);
            double catchUpSeconds = (System.nanoTime() - catchUpStart) / 1e9;
            long drained = caughtUp.confirmed() - down.confirmed();
            Thread.sleep(1_000);
            Order order = order(rsyslog.log(), receivedBefore, down.confirmed(), caughtUp.confirmed());
            ObjectNode catchUp = report.putObject("catchUp");
            catchUp.put("backlogRequests", backlog.completed()).put("backlogEntries", entries)
                    .put("backlogOfferedPerSecond", backlogRate).put("backlogSeconds", backlogSeconds)
                    .put("entriesDrained", drained).put("seconds", catchUpSeconds)
                    .put("eventsPerSecond", drained / catchUpSeconds).put("inOrder", order.inOrder())
                    .put("received", order.received()).put("duplicates", order.duplicates())
                    .put("loadAverage", loadAtCatchUp).put("loadAverageAfter", loadAverage());
            System.out.printf(Locale.ROOT, "catch-up: %d requests (%d entries) made while rsyslog was down (%d s at"
                            + " %.0f/s); %d entries drained in %.1f s = %.0f events/s; order %s, %d duplicates;"
                            + " load %s%n", backlog.completed(), entries, backlogSeconds, backlogRate, drained,
                    catchUpSeconds, drained / catchUpSeconds, order.inOrder() ? "checked" : "BROKEN: " + order.problem(),
                    order.duplicates(), loadAtCatchUp);
            if (!order.inOrder()) {
                catchUp.put("orderProblem", order.problem());
            }
            report.put("loadAverageAtEnd", loadAverage());
            Path out = root.resolve("bench/results/siem-" + Instant.now().toString().replace(':', '-') + ".json");
            Files.createDirectories(out.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
            System.out.println("results written to " + root.relativize(out));
            if (!order.inOrder()) {
                System.exit(1);
            }
        } finally {
            server.descendants().forEach(ProcessHandle::destroy);
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            rsyslog.stop();
            // gigabytes of events: the figures are in the results file
            Files.deleteIfExists(rsyslog.log());
        }
    }

    record Order(boolean inOrder, long received, long duplicates, String problem) {
    }

    /**
     * rsyslog's lines after the outage (from byte {@code offset} of its file on) must be every seq of [from, to) in
     * order, where a resend may repeat a suffix of what came before it (the unsettled window) but never skip. Read as
     * a stream: the file holds gigabytes after the runs.
     */
    static Order order(Path log, long offset, long from, long to) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(log)) {
            in.skipNBytes(offset);
            java.io.BufferedReader reader = new java.io.BufferedReader(
                    new java.io.InputStreamReader(in, StandardCharsets.UTF_8), 1 << 20);
            return order(reader.lines().iterator(), from, to);
        }
    }

    static Order order(java.util.Iterator<String> lines, long from, long to) {
        long expected = from;
        long duplicates = 0;
        long received = 0;
        while (lines.hasNext()) {
            String line = lines.next();
            Matcher m = SEQ.matcher(line);
            if (!m.find()) {
                return new Order(false, received, duplicates, "a line without seq: " + line);
            }
            long seq = Long.parseLong(m.group(1));
            received++;
            if (seq == expected) {
                expected++;
            } else if (seq < expected) {
                duplicates++;
            } else {
                return new Order(false, received, duplicates, "seq " + seq + " while " + expected
                        + " was never received (a gap)");
            }
        }
        return expected >= to ? new Order(true, received, duplicates, null)
                : new Order(false, received, duplicates, "only up to " + expected + " of " + to);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code GET /v1/siem/status} as a reviewer. */
    private record Status(HttpClient http, int port, String reviewer) {

        record Sink(long confirmed, long journalSize, long lag, String state) {
        }

        JsonNode read() throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/siem/status"))
                    .header("Authorization", "Bearer " + reviewer).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("/v1/siem/status answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        }

        void awaitRoute() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline) {
                try {
                    read();
                    return;
                } catch (IOException e) {
                    Thread.sleep(250);
                }
            }
            throw new IllegalStateException("countersign-siem did not come up: /v1/siem/status never answered");
        }

        Sink sink() throws IOException, InterruptedException {
            for (JsonNode sink : read().path("sinks")) {
                if (sink.path("name").asText().equals("bench")) {
                    return new Sink(sink.path("confirmed").asLong(), sink.path("journalSize").asLong(),
                            sink.path("lag").asLong(), sink.path("state").asText());
                }
            }
            return null;
        }

        void awaitSink(boolean present) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if ((sink() != null) == present) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("the sink was not " + (present ? "added" : "removed") + " in 60 s");
        }

        Sink awaitCaughtUp(long seconds) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            Sink last = null;
            while (System.nanoTime() < deadline) {
                last = sink();
                if (last != null && last.lag() == 0 && last.state().equals("caught-up")) {
                    return last;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("the sink did not catch up in " + seconds + " s: " + last);
        }
    }
}
