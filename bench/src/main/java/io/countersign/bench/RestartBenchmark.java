package io.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import io.countersign.core.internal.BenchHistory;
import io.countersign.journal.internal.FileJournal;
import io.countersign.ledger.internal.Checkpointer;
import io.countersign.signing.internal.KeyRing;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Restart time and memory against history (issue 12, item 6).
 * <pre>
 * RestartBenchmark generate --entries N --data DIR [--rate 40] [--idempotency 0.5] [--notifications true]
 *                           [--open 20] [--old-open true] [--seed 1] [--rules rules]
 * RestartBenchmark measure  --data DIR [--distribution distribution/target/countersign.tar.gz] [--port 18181]
 *                           [--runs 2] [--crash-load 20000] [--cold-cache] [--heap 2G] [--work DIR] [--keep]
 *                           [--timeout-minutes 60]
 * RestartBenchmark all      --entries N [generate and measure options]   (data under bench/target/restart-data-N)
 * </pre>
 * {@code generate} writes a journal of about N entries as a node writes it over a simulated working day
 * ({@link HistoryGenerator}), then checks it: the journal's own open (every segment verified, the Merkle tree
 * recomputed), the core's start-up projection of every entry, the ledger's check of the newest checkpoint; each is
 * timed in-process and the heap the core's projection keeps is measured. {@code measure} unpacks the distribution,
 * boots it once on a scratch directory (so Karaf's bundle cache is warm and the demo directory exists, as on any
 * restart), restarts it on that scratch directory (the fixed cost), then {@code --runs} times on a copy of DIR: from
 * process start until {@code /v1/health} answers 200 and until a submission is accepted (201). The first of those
 * starts finds none of the derived files (journal seal, core snapshot and request index, policy state: a generated
 * journal has only segments, like a node upgraded from before they existed) and rebuilds them; the next ones are
 * restarts after a clean stop. With {@code --crash-load N} it then submits N requests to a running node, kills it
 * ({@code kill -9}) and measures the restart after that crash, whose journal has a tail after the last seal and
 * snapshot. It then records the heap after a full GC
 * ({@code jcmd GC.run}, {@code GC.heap_info}, {@code GC.class_histogram}), what each component's start-up took
 * (a JFR recording of the start, sampled stacks grouped by component; and the Karaf log's Countersign lines), and
 * writes {@code bench/results/restart-*.json}.
 */
public final class RestartBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String DESCRIPTION = "restart-bench.json";
    private static final Pattern SEGMENT = Pattern.compile("segment-\\d{20}\\.log");
    private static final String BODY = "{\"action\":\"db.query\",\"resource\":\"analytics.events\","
            + "\"environment\":\"staging\",\"parameters\":{\"sql\":\"select count(*) from events\"},"
            + "\"onBehalfOf\":\"alice\",\"justification\":\"restart benchmark\"}";

    private final Map<String, String> args;
    private final Path root = Path.of(System.getProperty("countersign.root", "")).toAbsolutePath();

    private RestartBenchmark(Map<String, String> args) {
        this.args = args;
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: RestartBenchmark generate|measure|all [options]; see the class comment");
            System.exit(2);
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 1; i < argv.length; i++) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + argv[i]);
            }
            String name = argv[i].substring(2);
            if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                args.put(name, argv[++i]);
            } else {
                args.put(name, "true");
            }
        }
        RestartBenchmark bench = new RestartBenchmark(args);
        switch (argv[0]) {
            case "generate" -> bench.generate(bench.path("data", null));
            case "measure" -> bench.measure(bench.path("data", null));
            case "all" -> {
                Path data = bench.path("data", "bench/target/restart-data-" + bench.arg("entries", null));
                if (!Files.exists(data.resolve(DESCRIPTION))) {
                    bench.generate(data);
                }
                bench.measure(data);
            }
            default -> throw new IllegalArgumentException("unknown command " + argv[0]);
        }
        System.exit(0);
    }

    private String arg(String name, String fallback) {
        String value = args.getOrDefault(name, fallback);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private Path path(String name, String fallback) {
        return root.resolve(arg(name, fallback)).toAbsolutePath().normalize();
    }

    // ---- generate ----------------------------------------------------------------------------------------------

    private void generate(Path data) throws Exception {
        HistoryGenerator.Options options = new HistoryGenerator.Options(
                parseCount(arg("entries", null)),
                Double.parseDouble(arg("rate", "40")),
                Double.parseDouble(arg("idempotency", "0.5")),
                Boolean.parseBoolean(arg("notifications", "true")),
                Integer.parseInt(arg("open", "20")),
                Boolean.parseBoolean(arg("old-open", "true")),
                Long.parseLong(arg("seed", "1")),
                data, path("rules", "rules"));
        System.out.printf(Locale.ROOT, "generating about %,d entries into %s%n", options.entries(), data);
        HistoryGenerator.Stats stats = new HistoryGenerator(options).run();
        System.out.printf(Locale.ROOT, "generated %,d entries (%,d requests) in %.1f s: %,.0f entries/s%n",
                stats.entries(), stats.requests(), stats.seconds(), stats.entries() / stats.seconds());

        ObjectNode description = JSON.objectNode();
        description.put("what", "a journal generated by RestartBenchmark generate (bench/…/HistoryGenerator.java)");
        description.put("generatedAt", Instant.now().toString());
        description.put("commit", git("rev-parse", "HEAD"));
        description.set("options", MAPPER.valueToTree(Map.of("entries", options.entries(),
                "requestsPerSecond", options.requestsPerSecond(), "idempotencyShare", options.idempotencyShare(),
                "notifications", options.notifications(), "open", options.open(), "oldOpen", options.oldOpen(),
                "seed", options.seed(), "rules", options.rules().toString())));
        description.set("generated", MAPPER.valueToTree(stats));
        description.set("types", typeCounts(data));
        description.set("disk", diskUsage(data));
        description.set("check", check(data, stats));
        MAPPER.writeValue(data.resolve(DESCRIPTION).toFile(), description);
        System.out.println(MAPPER.writeValueAsString(description.get("check")));
    }

    private static long parseCount(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("_", "").replace(",", "");
        long factor = 1;
        if (t.endsWith("k")) {
            factor = 1_000;
        } else if (t.endsWith("m")) {
            factor = 1_000_000;
        }
        if (factor != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return (long) (Double.parseDouble(t) * factor);
    }

    /**
     * Checks the generated directory the way a node opens it, timing each step in this JVM: the journal's open
     * (Recovery: every record verified, the Merkle tree recomputed and compared with merkle/nodes.bin), the core's
     * projection of every entry (and the heap it keeps), a replay as the policy engine does it at start, and the
     * ledger's check of the newest checkpoint against the tree.
     */
    private static ObjectNode check(Path data, HistoryGenerator.Stats stats) throws Exception {
        ObjectNode check = JSON.objectNode();
        check.put("note", "in-process, outside OSGi, one JVM, page cache warm (just written)");
        long t = System.nanoTime();
        try (FileJournal journal = FileJournal.openVerifyingEverything(data.resolve("journal"))) {
            check.put("journalOpenSeconds", seconds(t));
            check.put("journalSize", journal.size());

            t = System.nanoTime();
            long[] policyEntries = new long[1];
            journal.replay(0, entry -> {
                if (entry.type().startsWith("policy.") && !entry.type().equals("policy.decided")) {
                    policyEntries[0]++;
                }
            });
            check.put("fullReplaySeconds", seconds(t));
            check.put("policyChangeEntries", policyEntries[0]);

            long before = usedHeapAfterGc();
            t = System.nanoTime();
            BenchHistory.Replay replay = HistoryGenerator.project(journal);
            check.put("coreProjectionSeconds", seconds(t));
            long after = usedHeapAfterGc();
            check.put("coreProjectionRetainedHeapMB", (after - before) / 1e6);
            check.put("projectedEntries", replay.entries());
            check.put("openRequests", replay.open());
            check.put("pendingRequests", replay.pending());
            check.put("undecidedRequests", replay.undecided());
            check.put("closedRequests", replay.closed());
            check.put("approvedOrAllowedWithoutGrant", replay.awaitingGrant());
            check.put("idempotencyKeys", replay.idempotencyKeys());
            check.put("standingApprovals", replay.standingApprovals());
            check.put("oldestOpenRequest", String.valueOf(replay.oldestOpen()));
            List<String> problems = new ArrayList<>();
            if (replay.entries() != journal.size()) {
                problems.add("projected " + replay.entries() + " of " + journal.size() + " entries");
            }
            if (replay.open() != stats.open()) {
                problems.add(replay.open() + " requests open, the generator left " + stats.open());
            }
            if (replay.undecided() != 0 || replay.awaitingGrant() != 0) {
                problems.add(replay.undecided() + " undecided, " + replay.awaitingGrant()
                        + " without their grant: a node would repair them on start");
            }
            if (replay.closed() + replay.open() != stats.requests() + stats.raised()) {
                problems.add((replay.closed() + replay.open()) + " requests projected, the generator made "
                        + (stats.requests() + stats.raised()));
            }
            // the keys of open requests are remembered when they are published at start, not by the replay
            if (replay.idempotencyKeys() > stats.idempotencyKeys()
                    || replay.idempotencyKeys() < stats.idempotencyKeys() - replay.open()) {
                problems.add(replay.idempotencyKeys() + " idempotency keys of closed requests projected, "
                        + stats.idempotencyKeys() + " generated");
            }
            Runtime.getRuntime().gc();
            t = System.nanoTime();
            try (Checkpointer checkpoints = Checkpointer.open(journal, KeyRing.open(data.resolve("keys"), ""),
                    data.resolve("ledger"), Duration.ofDays(365), Long.MAX_VALUE)) {
                check.put("checkpointLoadAndCheckSeconds", seconds(t));
                long signedSize = checkpoints.latest().orElseThrow().size();
                check.put("newestCheckpointSize", signedSize);
                if (signedSize != journal.size()) {
                    problems.add("the newest checkpoint covers " + signedSize + " of " + journal.size() + " entries");
                }
            }
            ArrayNode list = check.putArray("problems");
            problems.forEach(list::add);
            check.put("valid", problems.isEmpty());
            if (!problems.isEmpty()) {
                System.err.println("the generated journal does not check out: " + problems);
            }
        }
        return check;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static ObjectNode typeCounts(Path data) throws IOException {
        Map<String, long[]> counts = new java.util.TreeMap<>();
        try (FileJournal journal = FileJournal.openVerifyingEverything(data.resolve("journal"))) {
            journal.replay(0, (JournalEntry entry) -> counts.computeIfAbsent(entry.type(), k -> new long[1])[0]++);
        }
        ObjectNode types = JSON.objectNode();
        counts.forEach((type, n) -> types.put(type, n[0]));
        return types;
    }

    private static ObjectNode diskUsage(Path data) throws IOException {
        ObjectNode disk = JSON.objectNode();
        disk.put("segmentsBytes", size(data.resolve("journal"), SEGMENT));
        disk.put("segments", count(data.resolve("journal"), SEGMENT));
        disk.put("merkleNodesBytes", Files.size(data.resolve("journal/merkle/nodes.bin")));
        disk.put("checkpointsBytes", Files.size(data.resolve("ledger/checkpoints.log")));
        disk.put("journalDataBytes", journalDataBytes(data.resolve("journal")));
        return disk;
    }

    /** The bytes of records in the segments (segments are preallocated; the zeros after the data are not counted). */
    private static long journalDataBytes(Path journalDir) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(journalDir)) {
            for (Path segment : files.filter(f -> SEGMENT.matcher(f.getFileName().toString()).matches()).sorted()
                    .toList()) {
                try (var channel = java.nio.channels.FileChannel.open(segment)) {
                    java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(8);
                    long offset = 0;
                    for (;;) {
                        header.clear();
                        if (channel.read(header, offset) < 8) {
                            break;
                        }
                        int length = header.getInt(0);
                        if (length == 0) {
                            break;
                        }
                        offset += 8 + length;
                    }
                    total += offset;
                }
            }
        }
        return total;
    }

    private static long size(Path dir, Pattern name) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path f : files.filter(f -> name.matcher(f.getFileName().toString()).matches()).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

    private static long count(Path dir, Pattern name) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> name.matcher(f.getFileName().toString()).matches()).count();
        }
    }

    // ---- measure -----------------------------------------------------------------------------------------------

    private void measure(Path data) throws Exception {
        if (!Files.exists(data.resolve(DESCRIPTION))) {
            throw new IllegalArgumentException(data + " holds no generated journal (no " + DESCRIPTION + ")");
        }
        Path distribution = path("distribution", "distribution/target/countersign.tar.gz");
        int port = Integer.parseInt(arg("port", "18181"));
        int runs = Integer.parseInt(arg("runs", "2"));
        int crashLoad = Integer.parseInt(arg("crash-load", "20000"));
        boolean coldCache = args.containsKey("cold-cache");
        String heap = arg("heap", "2G");
        Duration timeout = Duration.ofMinutes(Long.parseLong(arg("timeout-minutes", "60")));
        Path work = path("work", "bench/target/restart-run-" + System.currentTimeMillis());
        Files.createDirectories(work);

        ObjectNode report = JSON.objectNode();
        report.put("benchmark", "restart: process start until /v1/health answers 200 and a submission is accepted,"
                + " on a generated journal; heap after a full GC; start-up by component");
        report.put("when", Instant.now().toString());
        report.put("commit", git("rev-parse", "HEAD"));
        report.put("distribution", root.relativize(distribution).toString());
        report.put("distributionSha256", sha256(distribution));
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("memoryGiB", totalMemoryGiB());
        report.put("java", System.getProperty("java.version"));
        report.put("heap", "-Xms" + heap + " -Xmx" + heap + " (bin/setenv: G1, -Xmn1G, MaxTenuringThreshold=1)");
        report.put("pageCache", coldCache ? "cold: every file of the data copy dropped from the page cache"
                + " (dd iflag=nocache) before each restart" : "warm: the data copy was just written");
        report.set("data", MAPPER.readTree(data.resolve(DESCRIPTION).toFile()));

        System.out.println("unpacking " + distribution + " into " + work);
        Path home = unpack(distribution, work);
        String features = arg("features", "countersign-channel-email");
        addBootFeatures(home, features);
        report.put("bootFeaturesAdded", features);
        Path scratch = work.resolve("scratch-data");
        Files.createDirectories(scratch);

        // 1. the first boot of this unpacked copy: Karaf resolves and caches its bundles, the demo directory is made
        System.out.println("first boot on an empty data directory (warms Karaf's bundle cache)");
        Boot first = boot(home, scratch, port, heap, timeout, false, false, work.resolve("first.jfr"),
                false, 0);
        report.set("firstBootEmptyData", first.json());
        if (first.json().has("failure")) {
            throw new IllegalStateException("the distribution did not start: " + first.json().get("failure"));
        }

        // 2. a restart on that (almost empty) data directory: the fixed cost of a restart
        System.out.println("restart on the (almost empty) scratch data directory: the fixed cost");
        Boot baseline = boot(home, scratch, port, heap, timeout, true, true, work.resolve("baseline.jfr"),
                false, 0);
        report.set("restartEmptyData", baseline.json());

        // 3. restarts on a copy of the generated data
        Path copy = work.resolve("data");
        System.out.println("copying " + data + " to " + copy);
        run(Duration.ofHours(1), "cp", "-a", "--reflink=auto", data.toString(), copy.toString());
        run(Duration.ofMinutes(10), "sync");
        ArrayNode restarts = report.putArray("restarts");
        boolean openRequests = report.path("data").path("check").path("openRequests").asLong() > 0;
        for (int i = 0; i < runs; i++) {
            if (coldCache) {
                dropFromPageCache(copy);
            }
            System.out.printf("restart %d of %d on %s%n", i + 1, runs, copy);
            Boot boot = boot(home, copy, port, heap, timeout, true, true, work.resolve("restart-" + i + ".jfr"),
                    openRequests, i == runs - 1 ? crashLoad : 0);
            ObjectNode json = boot.json();
            restarts.add(json);
            System.out.println(MAPPER.writeValueAsString(summary(json)));
        }
        if (crashLoad > 0) {
            System.out.printf("restart after %d submissions and a kill -9, on %s%n", crashLoad, copy);
            Boot boot = boot(home, copy, port, heap, timeout, true, true, work.resolve("after-crash.jfr"),
                    openRequests, 0);
            report.set("restartAfterCrash", boot.json());
            System.out.println(MAPPER.writeValueAsString(summary(boot.json())));
        }

        Path out = root.resolve("bench/results/restart-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.createDirectories(out.getParent());
        MAPPER.writeValue(out.toFile(), report);
        System.out.println("results written to " + root.relativize(out));
        if (!args.containsKey("keep")) {
            deleteTree(work);
        }
    }

    private static ObjectNode summary(ObjectNode boot) {
        ObjectNode s = JSON.objectNode();
        for (String field : List.of("healthSeconds", "firstSubmissionSeconds", "dispatcherRecoveredSeenSeconds",
                "heapUsedAfterFullGcMB", "journalSizeAtHealth", "otherProcessesCpuSeconds", "journalSizeAtCrash",
                "crashed", "failure")) {
            if (boot.has(field)) {
                s.set(field, boot.get(field));
            }
        }
        s.put("derivedFilesBefore", boot.path("derivedFilesBefore").size());
        s.set("milestones", boot.get("milestones"));
        if (boot.has("components")) {
            ArrayNode steps = s.putArray("steps");
            for (JsonNode step : boot.get("components").get("steps")) {
                steps.add(String.format(Locale.ROOT, "%-75s %6.2f s sampled, %7.2f - %7.2f s",
                        step.get("step").asText(), step.get("approxSeconds").asDouble(),
                        step.get("fromSeconds").asDouble(), step.get("toSeconds").asDouble()));
            }
        }
        return s;
    }

    /** One start of the distribution, measured, then stopped. */
    private record Boot(ObjectNode json) {
    }

    private static boolean logContains(Path log, long from, String text) throws IOException {
        if (!Files.exists(log)) {
            return false;
        }
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                StandardCharsets.UTF_8).contains(text);
    }

    /**
     * @param openRequests whether the data holds open requests: then the dispatcher logs when it has read back their
     *                     deliveries, and the measurement waits for that before it measures the heap
     */
    /**
     * @param crashLoad when positive, after measuring: submit that many requests, then kill the JVM ({@code kill -9})
     *                  instead of stopping it, so the next start has a journal tail after the last seal and snapshot
     */
    private Boot boot(Path home, Path data, int port, String heap, Duration timeout, boolean submit,
                      boolean measureMemory, Path jfr, boolean openRequests, int crashLoad) throws Exception {
        boolean dispatcher = openRequests && !arg("features", "countersign-channel-email").equals("none");
        ObjectNode json = JSON.objectNode();
        json.put("dataDirectory", data.toString());
        json.set("derivedFilesBefore", derivedFiles(data));
        // KARAF_DATA is the installation's (bin/setenv): its log is in the data directory
        Path log = data.resolve("karaf/log/karaf.log");
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "run");
        builder.environment().put("COUNTERSIGN_HTTP_PORT", Integer.toString(port));
        builder.environment().put("COUNTERSIGN_DATA_DIR", data.toString());
        builder.environment().put("COUNTERSIGN_RULES_DIR", root.resolve("rules").toString());
        builder.environment().put("JAVA_MIN_MEM", heap);
        builder.environment().put("JAVA_MAX_MEM", heap);
        builder.environment().put("COUNTERSIGN_SMTP_HOST", "127.0.0.1");
        // stack depth: Karaf's activation stacks are deep, and a sample must reach the component that started it
        builder.environment().put("EXTRA_JAVA_OPTS", "-XX:FlightRecorderOptions:stackdepth=512"
                + " -XX:StartFlightRecording=name=restart,settings=default");
        builder.directory(home.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));

        Instant startedAt = Instant.now();
        double machineCpu0 = CpuTime.machineSeconds();
        long t0 = System.nanoTime();
        Process process = builder.start();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = t0 + timeout.toNanos();
            JsonNode health = null;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Karaf exited with " + process.exitValue() + " before answering;"
                            + " see " + home.resolve("console.log") + " and " + log);
                }
                try {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + port + "/v1/health")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        health = MAPPER.readTree(response.body());
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
            if (health == null) {
                throw new IllegalStateException("no healthy answer within " + timeout);
            }
            json.put("healthSeconds", seconds(t0));
            json.put("journalSizeAtHealth", health.path("journalSize").asLong());
            // each data directory is an installation with its own demo credentials, made by its first start
            String agentKey = submit ? MAPPER.readTree(data.resolve("demo-credentials.json").toFile())
                    .path("agents").get(0).path("key").asText() : null;
            if (agentKey != null) {
                long submitted = System.nanoTime();
                int status = 0;
                int attempts = 0;
                String body = "";
                while (System.nanoTime() < deadline) {
                    attempts++;
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + port + "/v1/actions"))
                            .header("Authorization", "Bearer " + agentKey)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofMinutes(5))
                            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    status = response.statusCode();
                    body = response.body();
                    if (status == 201) {
                        break;
                    }
                    Thread.sleep(50);
                }
                json.put("firstSubmissionSeconds", seconds(t0));
                json.put("submissionAfterHealthSeconds", seconds(submitted));
                json.put("submissionAttempts", attempts);
                json.put("submissionStatus", status);
                if (status != 201) {
                    json.put("submissionBody", body.length() > 500 ? body.substring(0, 500) : body);
                }
            }
            HttpResponse<String> after = client.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/v1/health")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            json.put("journalSizeAfterSubmission", MAPPER.readTree(after.body()).path("journalSize").asLong());
            long pid = jvmPid(process);
            if (dispatcher) {
                // the notification outbox recovers on its own thread, after the API answers: wait for it
                while (System.nanoTime() < deadline && !logContains(log, logStart, "notification outbox recovered")) {
                    Thread.sleep(100);
                }
                json.put("dispatcherRecoveredSeenSeconds", seconds(t0));
            }
            json.put("jvmUptimeSecondsAtEnd", seconds(t0));
            if (measureMemory) {
                memory(pid, json);
            }
            double processCpu = processCpuSeconds(pid);
            json.put("processCpuSeconds", processCpu);
            json.put("otherProcessesCpuSeconds", Math.round((CpuTime.machineSeconds() - machineCpu0 - processCpu)
                    * 100) / 100.0);
            try {
                jcmd(pid, "JFR.dump", "name=restart", "filename=" + jfr);
            } catch (IOException e) {
                // a start that writes the installation's class data sharing archive runs without JFR (the JVM's rule)
                json.put("jfr", "not recorded: " + e.getMessage().lines().reduce((a, b) -> b).orElse(""));
            }
            if (crashLoad > 0) {
                submitConcurrently(client, port, agentKey, crashLoad, json);
                JsonNode before = MAPPER.readTree(client.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/v1/health")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                json.put("journalSizeAtCrash", before.path("journalSize").asLong());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                json.put("crashed", "kill -9 after " + crashLoad + " submissions");
            }
        } catch (Exception e) {
            json.put("failure", e.toString());
            System.err.println("boot failed: " + e);
        } finally {
            stop(process);
        }
        ArrayNode lines = karafLog(log, logStart, startedAt);
        json.set("milestones", milestones(lines));
        json.set("karafLog", lines);
        if (Files.exists(jfr)) {
            json.set("components", JfrStartup.analyse(jfr, startedAt));
            Files.deleteIfExists(jfr);
        }
        return new Boot(json);
    }

    /** The derived files (seal, snapshots, index runs, policy state) in a data directory, with their sizes. */
    private static ObjectNode derivedFiles(Path data) throws IOException {
        ObjectNode files = JSON.objectNode();
        if (!Files.isDirectory(data)) {
            return files;
        }
        Pattern derived = Pattern.compile("seal\\.bin|scrub\\.bin|snapshot-\\d+\\.bin|run-[\\d-]+\\.bin|state\\.bin"
                + "|segment-\\d+\\.idx|checkpoints\\.idx");
        try (var paths = Files.walk(data)) {
            for (Path path : paths.filter(Files::isRegularFile)
                    .filter(p -> derived.matcher(p.getFileName().toString()).matches()).sorted().toList()) {
                files.put(data.relativize(path).toString(), Files.size(path));
            }
        }
        return files;
    }

    /** Submits {@code count} requests, 32 at a time, as agents would; counts the answers by status. */
    private static void submitConcurrently(HttpClient client, int port, String agentKey, int count, ObjectNode json)
            throws InterruptedException {
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
        Map<Integer, java.util.concurrent.atomic.AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/actions"))
                            .header("Authorization", "Bearer " + agentKey)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofMinutes(1))
                            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                    HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> {
                        int status = failure != null ? -1 : response.statusCode();
                        statuses.computeIfAbsent(status, s -> new java.util.concurrent.atomic.AtomicInteger())
                                .incrementAndGet();
                        inFlight.release();
                    });
        }
        inFlight.acquire(32);
        ObjectNode answered = json.putObject("crashLoadStatuses");
        statuses.forEach((status, n) -> answered.put(Integer.toString(status), n.get()));
        json.put("crashLoadSeconds", seconds(started));
    }

    /** Heap used after a full collection, and what fills it. */
    private static void memory(long pid, ObjectNode json) throws Exception {
        json.put("heapUsedBeforeFullGcMB", heapUsedMB(jcmd(pid, "GC.heap_info")));
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        json.put("heapUsedAfterFullGcMB", heapUsedMB(info));
        json.put("heapInfoAfterFullGc", info.strip());
        String histogram = jcmd(pid, "GC.class_histogram");
        ArrayNode top = json.putArray("classHistogramTop");
        histogram.lines().skip(1).limit(26).forEach(top::add);
        json.put("rssMB", rssMB(pid));
    }

    private static double heapUsedMB(String heapInfo) {
        Matcher m = Pattern.compile("used (\\d+)K").matcher(heapInfo);
        return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : -1;
    }

    private static double rssMB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private static double processCpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** bin/karaf execs java, or starts it as a child: the JVM's pid either way. */
    private static long jvmPid(Process process) {
        ProcessHandle self = process.toHandle();
        if (self.info().command().map(c -> c.endsWith("/java")).orElse(false)) {
            return self.pid();
        }
        return process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().map(ProcessHandle::pid).orElseThrow(() -> new IllegalStateException("no JVM under "
                        + self.pid()));
    }

    private static String jcmd(long pid, String... command) throws Exception {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(Long.toString(pid));
        line.addAll(List.of(command));
        return run(Duration.ofMinutes(10), line.toArray(String[]::new));
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private static final Map<String, String> MILESTONES = new LinkedHashMap<>();

    static {
        MILESTONES.put("httpListening", "Countersign HTTP listening");
        MILESTONES.put("journalOpen", "JournalStore .* open with");
        MILESTONES.put("policyActivated", "PolicyRuntime .* activated");
        MILESTONES.put("keysLoaded", "KeyRing .*loaded");
        MILESTONES.put("coreReplayed", "ApprovalEngine .*replayed");
        MILESTONES.put("apiServing", "JettyServer .*serving /v1$");
        MILESTONES.put("dispatcherRecovered", "notification outbox recovered");
    }

    /** When each start-up step logged that it was done, in seconds since the process started. */
    private static ObjectNode milestones(ArrayNode lines) {
        ObjectNode json = JSON.objectNode();
        for (JsonNode line : lines) {
            String text = line.asText();
            for (Map.Entry<String, String> milestone : MILESTONES.entrySet()) {
                if (!json.has(milestone.getKey() + "Seconds")
                        && Pattern.compile(milestone.getValue()).matcher(text).find()) {
                    json.put(milestone.getKey() + "Seconds", Double.parseDouble(text.substring(0, 8).trim()));
                }
            }
            Matcher replayed = Pattern.compile("replayed (\\d+) journal entries in (\\d+) ms").matcher(text);
            if (replayed.find()) {
                json.put("coreReplayMs", Long.parseLong(replayed.group(2)));
            }
        }
        return json;
    }

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS");

    /** The Countersign lines of this start's part of karaf.log, with their time since the process started. */
    private static ArrayNode karafLog(Path log, long from, Instant startedAt) throws IOException {
        ArrayNode lines = JSON.arrayNode();
        if (!Files.exists(log)) {
            return lines;
        }
        byte[] all = Files.readAllBytes(log);
        String text = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            String[] parts = line.split(" \\| ", 6);
            if (parts.length < 6) {
                continue;
            }
            boolean ours = parts[4].contains("io.countersign") || parts[3].contains("Server")
                    && parts[5].startsWith("Started oejs");
            if (!ours && !parts[1].trim().equals("ERROR") && !parts[1].trim().equals("WARN")) {
                continue;
            }
            try {
                Instant at = LocalDateTime.parse(parts[0].trim(), LOG_TIME).atZone(ZoneId.systemDefault())
                        .toInstant();
                String message = parts[5].length() > 220 ? parts[5].substring(0, 220) + "…" : parts[5];
                lines.add(String.format(Locale.ROOT, "%8.3f s  %-5s %-16s %-22s %s",
                        Duration.between(startedAt, at).toMillis() / 1000.0, parts[1].trim(), parts[2].trim(),
                        parts[3].trim(), message));
            } catch (RuntimeException e) {
                // not a log4j line
            }
        }
        return lines;
    }

    private static Path unpack(Path tarball, Path work) throws Exception {
        Path home = work.resolve("countersign");
        Files.createDirectories(home);
        run(Duration.ofMinutes(5), "tar", "-xzf", tarball.toString(), "-C", home.toString(), "--strip-components=1");
        return home;
    }

    /**
     * Adds features to the unpacked copy's boot features, as an operator's {@code feature:install} would (Karaf
     * remembers installed features across restarts): by default the email channel, so that the notification outbox
     * (the dispatcher) runs, as on a node whose reviewers are asked by email. Its SMTP server is not reachable here;
     * nothing needs sending during the measurement.
     */
    private static void addBootFeatures(Path home, String features) throws IOException {
        if (features.isBlank() || features.equals("none")) {
            return;
        }
        Path cfg = home.resolve("etc/org.apache.karaf.features.cfg");
        String text = Files.readString(cfg);
        Matcher m = Pattern.compile("(\\s+)countersign/([^,\\s]+),").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no countersign feature in the boot features of " + cfg);
        }
        StringBuilder added = new StringBuilder(m.group(0));
        for (String feature : features.split(",")) {
            added.append(" \\").append(m.group(1)).append(feature.strip()).append('/').append(m.group(2)).append(',');
        }
        Files.writeString(cfg, text.substring(0, m.start()) + added + text.substring(m.end()));
    }

    /** Drops each file of the directory from the page cache, so the restart reads it from disk. */
    private static void dropFromPageCache(Path dir) throws Exception {
        run(Duration.ofMinutes(10), "sync");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                run(Duration.ofMinutes(1), "dd", "if=" + file, "iflag=nocache", "count=0", "status=none");
            }
        }
    }

    private static String run(Duration timeout, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = process.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private String git(String... command) {
        try {
            List<String> line = new ArrayList<>(List.of("git", "-C", root.toString()));
            line.addAll(List.of(command));
            return run(Duration.ofSeconds(30), line.toArray(String[]::new)).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static double totalMemoryGiB() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() / (double) (1L << 30) : -1;
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e6) / 1e3;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
