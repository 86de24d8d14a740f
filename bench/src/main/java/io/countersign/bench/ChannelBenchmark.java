package io.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.channel.slack.standin.ApiCall;
import io.countersign.channel.slack.standin.Click;
import io.countersign.channel.slack.standin.PostedMessage;
import io.countersign.channel.slack.standin.SlackStandIn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Review through Slack against the real distribution (issue 4; targets T3 and T3a): starts the Slack stand-in in
 * this JVM, starts Countersign from distribution/target/countersign.tar.gz with the Slack channel pointed at it, a
 * directory of one agent and {@code --reviewers} reviewers in one group (each with a Slack user id), and a rule that
 * sends every {@code bench.change} of {@code bench.resource} to that group with quorum 1. Then, open loop at each
 * rate (requests needing review per second; each notifies every reviewer):
 * <ol>
 *     <li>the agent submits {@code POST /v1/actions} when due and, once answered {@code pending}, long-polls
 *     {@code GET /v1/actions/{id}?wait=30s};</li>
 *     <li>the stand-in records each {@code chat.postMessage} with its arrival time (same JVM, same clock);</li>
 *     <li>a think time after the first message of a request arrives, its reviewer clicks Approve: a signed
 *     {@code block_actions} callback sent by the stand-in, concurrently with new requests.</li>
 * </ol>
 * Every latency that starts at a scheduled moment (a request due, a click due) is measured from that moment, so
 * queueing in the client is counted (no coordinated omission). Writes bench/results/channels-*.json.
 * <p>
 * Usage: {@code ChannelBenchmark [--rates 50,100] [--seconds 60] [--warmup 5] [--jvm-warmup 20] [--reviewers 2]
 * [--think-ms 1000] [--data DIR]}.
 */
public final class ChannelBenchmark {

    private static final String GROUP = "bench-reviewers";
    private static final String OWNER = "bench-owner";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(40);
    private static final long SLICE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final double QUIET_OTHER_CORES = 0.15;

    /** Everything that happened to one request, from whichever thread saw it first. */
    static final class Track {
        final String id;
        int phase = -1;
        boolean measured;
        long dueNanos;
        long pendingNanos;
        final List<Long> messageNanos = new ArrayList<>(4);
        PostedMessage toClick;
        long clickDueNanos;
        long clickSentNanos;
        long observedNanos;
        long clickDoneNanos;
        int clickStatus;
        String clickError;
        long outcomeNanos;
        String outcome;
        int polls;
        int updates;
        long lastUpdateNanos;

        Track(String id) {
            this.id = id;
        }
    }

    /** One rate: the requests it sent and what failed before a request had an id. */
    static final class Phase {
        final int index;
        final double rate;
        final long startNanos;
        final long measureFromNanos;
        final long endNanos;
        final List<Track> tracks = new ArrayList<>();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong measuredSubmitErrors = new AtomicLong();
        final AtomicLong outstandingSubmits = new AtomicLong();
        final List<String> errorSamples = new ArrayList<>();
        /** CPU seconds used by the server process and by this JVM, at the start and the end of the measurement. */
        double serverCpuAtStart;
        double serverCpuAtEnd;
        double benchCpuAtStart;
        double benchCpuAtEnd;
        double machineCpuAtStart;
        double machineCpuAtEnd;

        Phase(int index, double rate, long startNanos, double warmupSeconds, double seconds) {
            this.index = index;
            this.rate = rate;
            this.startNanos = startNanos;
            this.measureFromNanos = startNanos + (long) (warmupSeconds * 1e9);
            this.endNanos = measureFromNanos + (long) (seconds * 1e9);
        }

        synchronized void add(Track track) {
            tracks.add(track);
        }

        synchronized List<Track> snapshot() {
            return List.copyOf(tracks);
        }

        synchronized List<String> errors() {
            return List.copyOf(errorSamples);
        }

        synchronized void error(String sample) {
            if (errorSamples.size() < 10) {
                errorSamples.add(sample);
            }
        }
    }

    private final SlackStandIn slack;
    private final String signingSecret;
    private final String interactionsUrl;
    private final URI actionsUri;
    private final String baseUrl;
    private final String agentKey;
    private final int reviewers;
    private final long thinkNanos;
    private final HttpClient http;
    private final ExecutorService httpExecutor;
    private final ScheduledExecutorService clicks;
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    private final Map<String, Track> byMessage = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong unknownMessages = new AtomicLong();
    private volatile boolean watching = true;
    /** Once a second: {nanoTime, machine busy CPU s, server CPU s, benchmark CPU s}. */
    private final List<double[]> cpuSamples = new ArrayList<>();
    private ProcessHandle server;

    private ChannelBenchmark(SlackStandIn slack, String signingSecret, int port, String agentKey, int reviewers,
                             long thinkNanos) {
        this.slack = slack;
        this.signingSecret = signingSecret;
        this.baseUrl = "http://127.0.0.1:" + port;
        this.interactionsUrl = baseUrl + "/hooks/slack/interactions";
        this.actionsUri = URI.create(baseUrl + "/v1/actions");
        this.agentKey = agentKey;
        this.reviewers = reviewers;
        this.thinkNanos = thinkNanos;
        this.httpExecutor = Executors.newFixedThreadPool(4, daemon("bench-agent"));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpExecutor)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ScheduledThreadPoolExecutor clickPool = new ScheduledThreadPoolExecutor(16, daemon("bench-click"));
        clickPool.setRemoveOnCancelPolicy(true);
        this.clicks = clickPool;
    }

    public static void main(String[] args) throws Exception {
        // Before the stand-in's HttpServer exists: without it every answer waits for a delayed ACK (~40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        List<Double> rates = List.of(50d, 100d);
        double seconds = 60;
        double warmup = 5;
        double jvmWarmup = 20;
        int reviewers = 2;
        long thinkMillis = 1000;
        Path data = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rates" -> rates = java.util.Arrays.stream(args[i + 1].split(","))
                        .map(Double::parseDouble).toList();
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                case "--jvm-warmup" -> jvmWarmup = Double.parseDouble(args[i + 1]);
                case "--reviewers" -> reviewers = Integer.parseInt(args[i + 1]);
                case "--think-ms" -> thinkMillis = Long.parseLong(args[i + 1]);
                case "--data" -> data = Path.of(args[i + 1]).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value");
        }
        if (thinkMillis < 200) {
            // the stand-in's messages are looked at every 50 ms: a shorter think time would time that, not clicks
            throw new IllegalArgumentException("--think-ms must be at least 200");
        }
        Path root = Path.of("").toAbsolutePath();
        Path run = root.resolve("bench/target/channels-run-" + System.currentTimeMillis());
        if (data == null) {
            data = run.resolve("data");
        }
        String botToken = "xoxb-bench-" + BenchServer.randomSecret(24);
        String signingSecret = BenchServer.randomSecret(32);
        String agentKey = "csk_" + BenchServer.randomSecret(32);
        int port = BenchServer.freePort();
        try (SlackStandIn slack = SlackStandIn.start(botToken)) {
            Process server = start(root, run, data, port, slack, botToken, signingSecret, agentKey, reviewers);
            ChannelBenchmark bench = new ChannelBenchmark(slack, signingSecret, port, agentKey, reviewers,
                    TimeUnit.MILLISECONDS.toNanos(thinkMillis));
            bench.server = server.toHandle();
            try {
                BenchServer.awaitUp(port);
                bench.run(root, run, data, rates, seconds, warmup, jvmWarmup);
            } finally {
                bench.close();
                server.descendants().forEach(ProcessHandle::destroy);
                server.destroy();
                server.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private void run(Path root, Path run, Path data, List<Double> rates, double seconds, double warmup,
                     double jvmWarmup) throws Exception {
        Thread watcher = new Thread(this::watch, "bench-slack-watcher");
        watcher.setDaemon(true);
        watcher.start();
        Thread sampler = new Thread(() -> {
            while (watching) {
                double[] sample = {System.nanoTime(), CpuTime.machineSeconds(), serverCpuSeconds(),
                    CpuTime.thisProcessSeconds()};
                synchronized (cpuSamples) {
                    cpuSamples.add(sample);
                }
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }, "bench-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
        awaitChannel();
        ObjectNode report = JSON.createObjectNode();
        report.put("benchmark", "review through Slack: decision -> chat.postMessage on the wire, signed click ->"
                + " 200, click -> the agent's long-poll answers approved");
        report.put("when", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("java", System.getProperty("java.version"));
        report.put("loadAverageAtStart", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        report.put("reviewersPerRequest", reviewers);
        report.put("quorum", 1);
        report.put("thinkMillisMean", thinkNanos / 1e6);
        report.put("thinkMillisRange", (thinkNanos / 2) / 1e6 + "-" + (thinkNanos * 3 / 2) / 1e6);
        report.put("seconds", seconds);
        report.put("warmupSeconds", warmup);
        report.put("jvmWarmupSeconds", jvmWarmup);
        report.put("runDirectory", root.relativize(run).toString());
        Path tarball = root.resolve("distribution/target/countersign.tar.gz");
        report.put("distribution", root.relativize(tarball) + " built " + Files.getLastModifiedTime(tarball)
                + ", sha256 " + fileSha256(tarball));
        report.put("dataDirectory", data.toString());
        ArrayNode results = report.putArray("results");
        // Jetty, Jackson, Drools, Camel and the Slack client are compiled by the JIT during the first seconds.
        if (jvmWarmup > 0) {
            Phase phase = runPhase(0, rates.get(0), 0, jvmWarmup);
            System.out.printf(Locale.ROOT, "JVM warm-up: %d requests at %.0f/s%n", phase.snapshot().size(),
                    phase.rate);
        }
        System.out.printf(Locale.ROOT, "%8s %9s %9s %10s %12s %10s %10s %6s %6s %14s %6s%n", "req/s",
                "notif/s", "calls/s", "(a) p99", "due>wire p99", "(b) p99", "(c) p99", "lost", "errors",
                "cpu s+b+other", "quiet");
        int index = 1;
        for (double rate : rates) {
            Phase phase = runPhase(index++, rate, warmup, seconds);
            ObjectNode result = summarise(phase, seconds);
            results.add(result);
            System.out.printf(Locale.ROOT,
                    "%8.0f %9.1f %9.1f %10.2f %12.2f %10.2f %10.2f %6d %6d %14s %3d/%d%n", rate,
                    result.path("notificationsPerSecond").asDouble(),
                    result.path("slackCallsPerSecond").asDouble(),
                    result.path("a_decisionToWireMs").path("p99").asDouble(),
                    result.path("requestDueToWireMs").path("p99").asDouble(),
                    result.path("b_clickAckMs").path("p99").asDouble(),
                    result.path("c_clickToOutcomeMs").path("p99").asDouble(),
                    result.path("lost").asLong(), result.path("errors").asLong(),
                    String.format(Locale.ROOT, "%.2f+%.2f+%.2f", result.path("serverCoresUsed").asDouble(),
                            result.path("benchmarkCoresUsed").asDouble(), result.path("otherCoresUsed").asDouble()),
                    result.path("quietSlicesOnly").path("slices").asInt(),
                    result.path("quietSlicesOnly").path("of").asInt());
        }
        System.out.println("cpu: cores used by the server + this benchmark + anything else; quiet: 5 s slices in"
                + " which anything else used at most " + QUIET_OTHER_CORES + " of a core");
        report.put("unmatchedSlackMessages", unknownMessages.get());
        Runtime runtime = Runtime.getRuntime();
        report.put("benchmarkHeapUsedMb", (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024));
        Path out = root.resolve("bench/results/channels-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.createDirectories(out.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
        System.out.println("results written to " + root.relativize(out));
        watching = false;
    }

    /** One request before anything is measured, to know that the channel is installed and configured. */
    private void awaitChannel() throws Exception {
        Phase probe = new Phase(-1, 1, System.nanoTime(), 0, 0);
        submit(probe, System.nanoTime());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            List<Track> sent = probe.snapshot();
            if (!sent.isEmpty() && complete(sent.get(0))) {
                return;
            }
            List<String> errors = probe.errors();
            if (!errors.isEmpty()) {
                throw new IllegalStateException("the first request failed: " + errors);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no Slack message, click or outcome for the first request within 120 s;"
                + " see karaf.log in the run directory. Requests: " + probe.snapshot().size()
                + ", Slack calls: " + slack.calls().size());
    }

    private Phase runPhase(int index, double rate, double warmupSeconds, double seconds) throws Exception {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        Phase phase = new Phase(index, rate, start, warmupSeconds, seconds);
        long period = (long) (1e9 / rate);
        boolean sampled = false;
        for (long due = start; due < phase.endNanos; due += period) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!sampled && due >= phase.measureFromNanos) {
                phase.serverCpuAtStart = serverCpuSeconds();
                phase.benchCpuAtStart = CpuTime.thisProcessSeconds();
                phase.machineCpuAtStart = CpuTime.machineSeconds();
                sampled = true;
            }
            submit(phase, due);
        }
        phase.serverCpuAtEnd = serverCpuSeconds();
        phase.benchCpuAtEnd = CpuTime.thisProcessSeconds();
        phase.machineCpuAtEnd = CpuTime.machineSeconds();
        long deadline = System.nanoTime() + DRAIN_NANOS;
        while (System.nanoTime() < deadline) {
            if (phase.outstandingSubmits.get() == 0 && phase.snapshot().stream().allMatch(this::complete)) {
                break;
            }
            Thread.sleep(50);
        }
        // nothing of this phase may land in the next one's measurements
        Thread.sleep(200);
        return phase;
    }

    /** CPU time of the server: the launcher script and the JVM it started. */
    private double serverCpuSeconds() {
        if (server == null) {
            return 0;
        }
        long nanos = server.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        nanos += server.descendants().mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
        return nanos / 1e9;
    }



    private boolean complete(Track track) {
        synchronized (track) {
            return track.messageNanos.size() >= reviewers && track.clickDoneNanos != 0 && track.outcome != null
                    && !"pending".equals(track.outcome) && track.updates >= reviewers;
        }
    }

    private void submit(Phase phase, long dueNanos) {
        long n = sequence.incrementAndGet();
        String body = "{\"action\":\"bench.change\",\"resource\":\"bench.resource\",\"environment\":\"staging\","
                + "\"parameters\":{\"n\":" + n + "},\"onBehalfOf\":\"" + OWNER + "\","
                + "\"justification\":\"channel benchmark\"}";
        HttpRequest request = HttpRequest.newBuilder(actionsUri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + agentKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        boolean measured = dueNanos >= phase.measureFromNanos;
        phase.sent.incrementAndGet();
        phase.outstandingSubmits.incrementAndGet();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
            long now = System.nanoTime();
            try {
                if (failure != null) {
                    submitFailed(phase, measured, "POST failed: " + failure);
                    return;
                }
                JsonNode json = JSON.readTree(response.body());
                String status = json.path("status").asText();
                String id = json.path("id").asText("");
                if (response.statusCode() != 201 || !status.equals("pending") || id.isEmpty()) {
                    submitFailed(phase, measured, "POST answered " + response.statusCode() + " "
                            + new String(response.body(), StandardCharsets.UTF_8));
                    return;
                }
                Track track = tracks.computeIfAbsent(id, Track::new);
                synchronized (track) {
                    track.phase = phase.index;
                    track.measured = measured;
                    track.dueNanos = dueNanos;
                    track.pendingNanos = now;
                }
                phase.add(track);
                longPoll(track);
            } catch (IOException | RuntimeException e) {
                submitFailed(phase, measured, "POST answer unreadable: " + e);
            } finally {
                phase.outstandingSubmits.decrementAndGet();
            }
        });
    }

    private static void submitFailed(Phase phase, boolean measured, String why) {
        if (measured) {
            phase.measuredSubmitErrors.incrementAndGet();
        }
        phase.error(why);
    }

    /** The waiting agent: long-polls until the request is no longer pending. */
    private void longPoll(Track track) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/actions/" + track.id + "?wait=30s"))
                .timeout(Duration.ofSeconds(45)).header("Authorization", "Bearer " + agentKey).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
            long now = System.nanoTime();
            String status;
            if (failure != null) {
                status = "poll-failed: " + failure;
            } else if (response.statusCode() != 200) {
                status = "poll-answered-" + response.statusCode();
            } else {
                try {
                    status = JSON.readTree(response.body()).path("status").asText();
                } catch (IOException e) {
                    status = "poll-unreadable";
                }
            }
            synchronized (track) {
                track.polls++;
                if (status.equals("pending") && track.polls < 5) {
                    // the wait ran out before anyone clicked: wait again, as an agent would
                } else {
                    track.outcome = status;
                    track.outcomeNanos = now;
                    return;
                }
            }
            longPoll(track);
        });
    }

    /** Follows what the stand-in received: review messages schedule a click, updates are counted. */
    private void watch() {
        int seen = 0;
        while (watching) {
            List<PostedMessage> messages = slack.messages();
            for (int i = seen; i < messages.size(); i++) {
                try {
                    observe(messages.get(i));
                } catch (RuntimeException e) {
                    unknownMessages.incrementAndGet();
                }
            }
            seen = messages.size();
            // Each look copies the stand-in's whole list; the arrival times are the stand-in's own, and a click is
            // due a think time after its message, so looking every 50 ms changes no measurement.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private void observe(PostedMessage message) {
        if (message.method().equals("chat.update")) {
            Track track = byMessage.get(message.channel() + "/" + message.ts());
            if (track == null) {
                unknownMessages.incrementAndGet();
                return;
            }
            synchronized (track) {
                track.updates++;
                track.lastUpdateNanos = Math.max(track.lastUpdateNanos, message.receivedNanos());
            }
            return;
        }
        JsonNode approve = message.button("approve").orElse(null);
        if (approve == null) {
            unknownMessages.incrementAndGet();
            return;
        }
        String id;
        try {
            id = JSON.readTree(approve.path("value").asText()).path("request").asText();
        } catch (IOException e) {
            unknownMessages.incrementAndGet();
            return;
        }
        Track track = tracks.computeIfAbsent(id, Track::new);
        byMessage.put(message.channel() + "/" + message.ts(), track);
        boolean first;
        synchronized (track) {
            track.messageNanos.add(message.receivedNanos());
            first = track.toClick == null && track.clickDueNanos == 0;
            if (first) {
                // a person reads the message first: between half and one and a half think times
                long think = thinkNanos == 0 ? 0
                        : ThreadLocalRandom.current().nextLong(thinkNanos / 2, thinkNanos * 3 / 2 + 1);
                track.toClick = message;
                track.observedNanos = System.nanoTime();
                track.clickDueNanos = message.receivedNanos() + think;
            }
        }
        if (first) {
            long delay = track.clickDueNanos - System.nanoTime();
            clicks.schedule(() -> click(track), Math.max(0, delay), TimeUnit.NANOSECONDS);
        }
    }

    private void click(Track track) {
        PostedMessage message;
        synchronized (track) {
            message = track.toClick;
            track.toClick = null;
            track.clickSentNanos = System.nanoTime();
        }
        int status;
        String error = null;
        try {
            Click click = slack.click(interactionsUrl, signingSecret, message, message.requestedChannel(),
                    "approve");
            status = click.status();
            if (status != 200) {
                error = click.responseBody();
            }
        } catch (RuntimeException e) {
            status = -1;
            error = e.toString();
        }
        long done = System.nanoTime();
        synchronized (track) {
            track.clickDoneNanos = done;
            track.clickStatus = status;
            track.clickError = error;
        }
    }

    private ObjectNode summarise(Phase phase, double seconds) {
        Histogram submitToPending = histogram();
        Histogram decisionToWire = histogram();
        Histogram dueToWire = histogram();
        Histogram clickAck = histogram();
        Histogram clickAckFromSend = histogram();
        Histogram clickToOutcome = histogram();
        Histogram clickSentToOutcome = histogram();
        Histogram clickToAllUpdated = histogram();
        Histogram clickLate = histogram();
        Histogram observeLag = histogram();
        int slices = (int) Math.ceil((phase.endNanos - phase.measureFromNanos) / (double) SLICE_NANOS);
        Histogram[] sliceDueToWire = new Histogram[slices];
        Histogram[] sliceClickAck = new Histogram[slices];
        Histogram[] sliceClickToOutcome = new Histogram[slices];
        Histogram[] sliceDecisionToWire = new Histogram[slices];
        for (int i = 0; i < slices; i++) {
            sliceDecisionToWire[i] = histogram();
            sliceDueToWire[i] = histogram();
            sliceClickAck[i] = histogram();
            sliceClickToOutcome[i] = histogram();
        }
        long requests = 0;
        long notifications = 0;
        long missingMessages = 0;
        long clicksOk = 0;
        long clickErrors = 0;
        long missingClicks = 0;
        long approved = 0;
        long otherOutcomes = 0;
        long missingUpdates = 0;
        long messageBeforeAnswer = 0;
        List<String> samples = new ArrayList<>(phase.errors());
        for (Track track : phase.snapshot()) {
            synchronized (track) {
                if (!track.measured) {
                    continue;
                }
                requests++;
                submitToPending.recordValue(clamp(track.pendingNanos - track.dueNanos));
                int slice = (int) Math.min(slices - 1, (track.dueNanos - phase.measureFromNanos) / SLICE_NANOS);
                notifications += track.messageNanos.size();
                missingMessages += Math.max(0, reviewers - track.messageNanos.size());
                for (long at : track.messageNanos) {
                    if (at < track.pendingNanos) {
                        messageBeforeAnswer++;
                    }
                    decisionToWire.recordValue(clamp(at - track.pendingNanos));
                    sliceDecisionToWire[slice].recordValue(clamp(at - track.pendingNanos));
                    dueToWire.recordValue(clamp(at - track.dueNanos));
                    sliceDueToWire[slice].recordValue(clamp(at - track.dueNanos));
                }
                if (track.clickDoneNanos == 0) {
                    missingClicks++;
                } else if (track.clickStatus == 200) {
                    clicksOk++;
                    clickAck.recordValue(clamp(track.clickDoneNanos - track.clickDueNanos));
                    clickAckFromSend.recordValue(clamp(track.clickDoneNanos - track.clickSentNanos));
                    clickLate.recordValue(clamp(track.clickSentNanos - track.clickDueNanos));
                    observeLag.recordValue(clamp(track.observedNanos - track.messageNanos.get(0)));
                    sliceClickAck[slice].recordValue(clamp(track.clickDoneNanos - track.clickDueNanos));
                } else {
                    clickErrors++;
                    sample(samples, "click answered " + track.clickStatus + ": " + track.clickError);
                }
                if ("approved".equals(track.outcome)) {
                    approved++;
                    if (track.clickDueNanos != 0) {
                        clickToOutcome.recordValue(clamp(track.outcomeNanos - track.clickDueNanos));
                        clickSentToOutcome.recordValue(clamp(track.outcomeNanos - track.clickSentNanos));
                        sliceClickToOutcome[slice].recordValue(clamp(track.outcomeNanos - track.clickDueNanos));
                    }
                } else {
                    otherOutcomes++;
                    sample(samples, "request " + track.id + " ended " + track.outcome);
                }
                if (track.updates < reviewers) {
                    missingUpdates += reviewers - track.updates;
                } else if (track.clickDueNanos != 0) {
                    clickToAllUpdated.recordValue(clamp(track.lastUpdateNanos - track.clickDueNanos));
                }
            }
        }
        long submitErrors = phase.measuredSubmitErrors.get();
        long lost = missingMessages + missingClicks + otherOutcomes;
        long errors = submitErrors + clickErrors;
        long posts = 0;
        long updates = 0;
        for (ApiCall call : slack.calls()) {
            if (call.receivedNanos() >= phase.measureFromNanos && call.receivedNanos() < phase.endNanos) {
                if (call.method().equals("chat.postMessage")) {
                    posts++;
                } else if (call.method().equals("chat.update")) {
                    updates++;
                }
            }
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("offeredRequestsPerSecond", phase.rate);
        result.put("requestsMeasured", requests);
        result.put("achievedRequestsPerSecond", requests / seconds);
        result.put("notificationsExpected", requests * reviewers);
        result.put("notificationsReceived", notifications);
        result.put("notificationsPerSecond", notifications / seconds);
        result.put("slackPostMessagesInWindow", posts);
        result.put("slackUpdatesInWindow", updates);
        result.put("slackCallsPerSecond", (posts + updates) / seconds);
        result.put("clicksAccepted", clicksOk);
        result.put("clickErrors", clickErrors);
        result.put("clicksNotSent", missingClicks);
        result.put("approvedSeenByAgent", approved);
        result.put("otherOutcomes", otherOutcomes);
        result.put("submitErrors", submitErrors);
        result.put("missingNotifications", missingMessages);
        result.put("missingUpdates", missingUpdates);
        result.put("lost", lost);
        result.put("errors", errors);
        result.put("messagesBeforeAnswerReachedAgent", messageBeforeAnswer);
        result.set("a_decisionToWireMs", percentiles(decisionToWire));
        result.set("requestDueToWireMs", percentiles(dueToWire));
        result.set("submitDueToPendingMs", percentiles(submitToPending));
        result.set("b_clickAckMs", percentiles(clickAck));
        result.set("clickSentToAckMs", percentiles(clickAckFromSend));
        result.set("c_clickToOutcomeMs", percentiles(clickToOutcome));
        result.set("clickSentToOutcomeMs", percentiles(clickSentToOutcome));
        result.set("clickToEveryMessageUpdatedMs", percentiles(clickToAllUpdated));
        result.set("clickSentLateMs", percentiles(clickLate));
        result.set("messageSeenByBenchmarkLagMs", percentiles(observeLag));
        // Per 5 s of the measurement (by when each request was due): p99s next to the CPU in use, so that a
        // neighbour's burst or a server pause can be told from a steady cost.
        ArrayNode timeline = result.putArray("timeline");
        int quiet = 0;
        Histogram quietDecisionToWire = histogram();
        Histogram quietDueToWire = histogram();
        Histogram quietClickAck = histogram();
        Histogram quietClickToOutcome = histogram();
        List<double[]> cpu;
        synchronized (cpuSamples) {
            cpu = List.copyOf(cpuSamples);
        }
        for (int i = 0; i < slices; i++) {
            long from = phase.measureFromNanos + i * SLICE_NANOS;
            long to = Math.min(phase.endNanos, from + SLICE_NANOS);
            ObjectNode slice = timeline.addObject();
            slice.put("fromSecond", i * SLICE_NANOS / 1_000_000_000L);
            slice.put("dueToWireP99Ms", ms(sliceDueToWire[i].getValueAtPercentile(99)));
            slice.put("clickAckP99Ms", ms(sliceClickAck[i].getValueAtPercentile(99)));
            slice.put("clickToOutcomeP99Ms", ms(sliceClickToOutcome[i].getValueAtPercentile(99)));
            double[] first = null;
            double[] last = null;
            for (double[] sample : cpu) {
                if (sample[0] >= from && sample[0] <= to + 1e9) {
                    if (first == null) {
                        first = sample;
                    }
                    last = sample;
                }
            }
            if (first != null && last != first) {
                double span = (last[0] - first[0]) / 1e9;
                double machine = (last[1] - first[1]) / span;
                double server = (last[2] - first[2]) / span;
                double bench = (last[3] - first[3]) / span;
                slice.put("serverCores", round(server)).put("benchmarkCores", round(bench))
                        .put("otherCores", round(machine - server - bench));
                if (machine - server - bench <= QUIET_OTHER_CORES) {
                    quiet++;
                    quietDecisionToWire.add(sliceDecisionToWire[i]);
                    quietDueToWire.add(sliceDueToWire[i]);
                    quietClickAck.add(sliceClickAck[i]);
                    quietClickToOutcome.add(sliceClickToOutcome[i]);
                }
            }
        }
        // The same, counting only the 5 s slices in which nothing else on the machine used more than 0.15 of a core
        ObjectNode quietOnly = result.putObject("quietSlicesOnly");
        quietOnly.put("slices", quiet).put("of", slices).put("maxOtherCores", QUIET_OTHER_CORES);
        quietOnly.set("a_decisionToWireMs", percentiles(quietDecisionToWire));
        quietOnly.set("requestDueToWireMs", percentiles(quietDueToWire));
        quietOnly.set("b_clickAckMs", percentiles(quietClickAck));
        quietOnly.set("c_clickToOutcomeMs", percentiles(quietClickToOutcome));
        double window = (phase.endNanos - phase.measureFromNanos) / 1e9;
        result.put("serverCoresUsed", round((phase.serverCpuAtEnd - phase.serverCpuAtStart) / window));
        result.put("benchmarkCoresUsed", round((phase.benchCpuAtEnd - phase.benchCpuAtStart) / window));
        // anything else on the machine (other builds) during the measurement: a noisy run shows here
        result.put("otherCoresUsed", round((phase.machineCpuAtEnd - phase.machineCpuAtStart
                - (phase.serverCpuAtEnd - phase.serverCpuAtStart) - (phase.benchCpuAtEnd - phase.benchCpuAtStart))
                / window));
        ArrayNode errorSamples = result.putArray("errorSamples");
        samples.forEach(errorSamples::add);
        return result;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void sample(List<String> samples, String sample) {
        if (samples.size() < 10) {
            samples.add(sample);
        }
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
    }

    private static long clamp(long nanos) {
        return Math.max(0, Math.min(nanos, TimeUnit.SECONDS.toNanos(120)));
    }

    private static ObjectNode percentiles(Histogram h) {
        ObjectNode json = JSON.createObjectNode();
        json.put("count", h.getTotalCount());
        json.put("p50", ms(h.getValueAtPercentile(50)));
        json.put("p90", ms(h.getValueAtPercentile(90)));
        json.put("p99", ms(h.getValueAtPercentile(99)));
        json.put("p999", ms(h.getValueAtPercentile(99.9)));
        json.put("max", ms(h.getMaxValue()));
        return json;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    private void close() {
        watching = false;
        clicks.shutdownNow();
        httpExecutor.shutdownNow();
    }

    /** Unpacks the distribution and configures it for the stand-in; secrets go through the environment. */
    private static Process start(Path root, Path run, Path data, int port, SlackStandIn slack, String botToken,
                                 String signingSecret, String agentKey, int reviewers)
            throws IOException, InterruptedException {
        Path home = BenchServer.unpack(root, run);
        Path etc = home.resolve("etc");
        bootSlack(etc.resolve("org.apache.karaf.features.cfg"));
        Files.writeString(etc.resolve("io.countersign.channel.slack.cfg"), String.join("\n",
                "# written by ChannelBenchmark: the Slack stand-in in the benchmark's JVM",
                "apiBaseUrl = " + slack.apiUrl(),
                ".botToken = ${env:COUNTERSIGN_SLACK_BOT_TOKEN}",
                ".signingSecret = ${env:COUNTERSIGN_SLACK_SIGNING_SECRET}",
                "teamIds = " + SlackStandIn.TEAM_ID,
                "appIds = " + SlackStandIn.APP_ID,
                "channel =",
                "responseUrlPrefix = " + slack.responseUrlPrefix(),
                ""));
        ObjectNode directory = JSON.createObjectNode();
        directory.putArray("agents").addObject().put("id", "bench-agent")
                .put("keyHash", BenchServer.credentialHash(agentKey))
                .putArray("actsFor").add(OWNER);
        ArrayNode list = directory.putArray("reviewers");
        for (int i = 1; i <= reviewers; i++) {
            ObjectNode reviewer = list.addObject().put("id", String.format(Locale.ROOT, "bench-reviewer-%d", i))
                    .put("tokenHash", BenchServer.credentialHash("csr_" + BenchServer.randomSecret(32)));
            reviewer.putArray("groups").add(GROUP);
            reviewer.putObject("contacts").put("slack", String.format(Locale.ROOT, "U0BENCH%04d", i));
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(etc.resolve("countersign-directory.json").toFile(),
                directory);
        Path rules = run.resolve("rules");
        Files.createDirectories(rules);
        Files.writeString(rules.resolve("bench.drl"), String.join("\n",
                "package countersign.rules;",
                "",
                "import io.countersign.policy.model.ActionFact;",
                "",
                "rule \"Bench change needs one bench reviewer\"",
                "when",
                "    $a : ActionFact(action == \"bench.change\", resource == \"bench.resource\")",
                "then",
                "    $a.review(\"" + GROUP + "\", 1, \"the channel benchmark asks one bench reviewer\");",
                "    $a.deadline(\"PT30M\");",
                "end",
                ""));
        // bin/setenv reads the directory from COUNTERSIGN_DIRECTORY_FILE (default: the data directory's own)
        return BenchServer.launch(home, run, port, data, rules, Map.of("COUNTERSIGN_SLACK_BOT_TOKEN", botToken,
                "COUNTERSIGN_SLACK_SIGNING_SECRET", signingSecret,
                "COUNTERSIGN_DIRECTORY_FILE", etc.resolve("countersign-directory.json").toString()));
    }

    /** Adds the Slack channel's feature to the features installed at boot. */
    private static void bootSlack(Path features) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(features));
        int last = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().startsWith("featuresBoot") && lines.get(i).contains("=")) {
                last = i;
                break;
            }
        }
        if (last < 0) {
            throw new IOException("no featuresBoot list in " + features);
        }
        while (lines.get(last).trim().endsWith("\\")) {
            last++;
        }
        lines.set(last, lines.get(last) + ", countersign-channel-slack");
        Files.write(features, lines);
    }

    private static String fileSha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }



    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong count = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
