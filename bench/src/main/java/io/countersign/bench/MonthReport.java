package io.countersign.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A compliance report for a generated period of traffic, end to end (issue 15, item 2):
 * <pre>
 * MonthReport [--days 30] [--requests 3000] [--open 12] [--seed 15] [--framework soc2] [--work DIR]
 *             [--example docs/report-example] [--distribution distribution/target/countersign.tar.gz]
 *             [--verify-jar tools/verify/target/countersign-verify.jar] [--rules rules] [--heap 1G]
 *             [--notifications true] [--verify-heap SIZE] [--pages true] [--result true] [--reuse false]
 *             [--start-minutes 3]
 * </pre>
 * {@code --days 0} generates one dense working day instead (40 requests/s, {@link HistoryGenerator}'s restart mix),
 * the period being its first to its last entry: the scale measurement (1M requests, {@code --notifications false}
 * to stay under the node's 5,000,000-entry export limit). {@code --verify-heap} runs the verifier with that
 * {@code -Xmx} and a GC log, whose peak heap is reported; {@code --result true} writes
 * {@code bench/results/report-*.json}; {@code --reuse true} keeps the data directory of an earlier run with the same
 * {@code --work} instead of generating it again.
 * {@link HistoryGenerator} writes {@code --days} whole UTC days of traffic into a fresh data directory (every
 * outcome, break-glass, standing approvals, grant refusals, failed executions, self-approval refusals, a policy
 * change); the assembled distribution starts on it; a reviewer of its demo credentials exports
 * {@code GET /v1/evidence?from=<period start>&to=<period end>} and {@code /v1/ledger/keys}; the verifier makes the
 * report (with {@code --pages}) and must say VERIFIED of it, and FAILED, naming the figure, of a copy with one figure
 * of {@code figures.json} changed. With {@code --example}, the PNG pages and {@code figures.json} are copied there.
 */
public final class MonthReport {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    record Options(int days, long requests, int open, long seed, String framework, Path work, Path distribution,
                   Path verifyJar, Path rules, String heap, boolean notifications, String verifyHeap,
                   boolean pages, boolean reuse, Duration startTimeout) {

        Options(int days, long requests, int open, long seed, String framework, Path work, Path distribution,
                Path verifyJar, Path rules, String heap) {
            this(days, requests, open, seed, framework, work, distribution, verifyJar, rules, heap, true, null, true,
                    false, Duration.ofMinutes(3));
        }
    }

    /**
     * One run of the verifier: wall time, and with a GC log the most heap in use before a collection, in MB; the
     * verifier's own phases ({@code TIMING} lines: wall and process CPU time each) and the load average before and
     * after (the machine may be shared).
     */
    record Timing(double seconds, long peakHeapMB, long maxLiveAfterGcMB, long heapCommittedMB, List<String> phases,
                  String loadBefore, String loadAfter) {
    }

    /** What the run showed. */
    record Result(HistoryGenerator.Stats generated, String from, String to, Path evidence, Path keys, Path report,
                  List<Path> pages, int makeExit, String verifyOutput, int verifyExit, String editedFigure,
                  String editedOutput, int editedExit, JsonNode figures, Timing make, Timing check,
                  long evidenceBytes, double exportSeconds) {

        boolean verified() {
            return makeExit == 0 && verifyExit == 0 && verifyOutput.startsWith("VERIFIED report ");
        }

        boolean editRejected() {
            return editedExit == 1 && editedOutput.startsWith("FAILED report ")
                    && editedOutput.contains("figures.json: the figure " + editedFigure + " is not what the evidence"
                    + " gives");
        }
    }

    private MonthReport() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("usage: MonthReport [--name value]...; see the class comment");
            }
            args.put(argv[i].substring(2), argv[++i]);
        }
        Path root = Path.of(System.getProperty("countersign.root", "")).toAbsolutePath();
        Options options = new Options(Integer.parseInt(args.getOrDefault("days", "30")),
                Long.parseLong(args.getOrDefault("requests", "3000")),
                Integer.parseInt(args.getOrDefault("open", "12")), Long.parseLong(args.getOrDefault("seed", "15")),
                args.getOrDefault("framework", "soc2"),
                root.resolve(args.getOrDefault("work", "bench/target/month-report")),
                root.resolve(args.getOrDefault("distribution", "distribution/target/countersign.tar.gz")),
                root.resolve(args.getOrDefault("verify-jar", "tools/verify/target/countersign-verify.jar")),
                root.resolve(args.getOrDefault("rules", "rules")), args.getOrDefault("heap", "1G"),
                Boolean.parseBoolean(args.getOrDefault("notifications", "true")), args.get("verify-heap"),
                Boolean.parseBoolean(args.getOrDefault("pages", "true")),
                Boolean.parseBoolean(args.getOrDefault("reuse", "false")),
                Duration.ofMinutes(Long.parseLong(args.getOrDefault("start-minutes", "3"))));
        Result result = run(options);
        System.out.printf(Locale.ROOT, "report made in %.1f s (peak heap %d MB), checked in %.1f s (peak heap %d MB)"
                + "%n", result.make().seconds(), result.make().peakHeapMB(), result.check().seconds(),
                result.check().peakHeapMB());
        if (Boolean.parseBoolean(args.getOrDefault("result", "false"))) {
            writeResult(root, options, result);
        }
        if (args.containsKey("example")) {
            Path example = root.resolve(args.get("example"));
            Files.createDirectories(example);
            try (Stream<Path> old = Files.list(example)) {
                for (Path file : old.filter(f -> f.getFileName().toString().matches("page-\\d+\\.png")).toList()) {
                    Files.delete(file);
                }
            }
            for (Path page : result.pages()) {
                Files.copy(page, example.resolve(page.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            try (ZipFile zip = new ZipFile(result.report().toFile())) {
                Files.write(example.resolve("figures.json"), zip.getInputStream(zip.getEntry("figures.json"))
                        .readAllBytes());
                copyExampleRecords(zip, example.resolve("records"));
            }
            System.out.println("example pages and figures.json written to " + root.relativize(example));
        }
        boolean ok = result.verified() && result.editRejected();
        System.out.println(ok ? "OK: the report verifies, and a copy with one figure changed does not"
                : "NOT OK: see above");
        System.exit(ok ? 0 : 1);
    }

    /**
     * The change records (JSON and HTML) of the first failed execution and of the first standing approval used to
     * its limit in exceptions.csv, as examples; the directory's older records are removed.
     */
    private static void copyExampleRecords(ZipFile zip, Path records) throws IOException {
        deleteTree(records);
        Files.createDirectories(records);
        String exceptions = new String(zip.getInputStream(zip.getEntry("exceptions.csv")).readAllBytes(),
                StandardCharsets.UTF_8);
        for (String kind : List.of("execution-failed", "standing-approval-exhausted")) {
            String request = exceptions.lines().filter(line -> line.startsWith(kind + ",")).map(line ->
                    line.split(",")[2]).findFirst().orElse(null);
            if (request == null) {
                continue;
            }
            for (String extension : List.of(".json", ".html")) {
                ZipEntry member = zip.getEntry("records/" + request + extension);
                if (member != null) {
                    Files.write(records.resolve(request + extension), zip.getInputStream(member).readAllBytes());
                }
            }
        }
    }

    static Result run(Options options) throws Exception {
        Path work = options.work().toAbsolutePath();
        Path data = work.resolve("data");
        Path generated = work.resolve("generated.json");
        boolean reuse = options.reuse() && Files.exists(generated);
        if (reuse) {
            for (String old : List.of("countersign", "pages", "report-" + options.framework() + ".zip",
                    "report-edited.zip")) {
                deleteTree(work.resolve(old));
            }
        } else {
            deleteTree(work);
        }
        Files.createDirectories(work);

        // 1. the period's history, written as the node writes it
        double entriesPerRequest = options.notifications() ? 6.0 : 4.6;
        HistoryGenerator.Options generate = new HistoryGenerator.Options((long) (options.requests()
                * entriesPerRequest), 40, 0.3, options.notifications(), options.open(), true, options.seed(), data,
                options.rules(), options.days());
        HistoryGenerator.Stats stats;
        if (reuse) {
            stats = MAPPER.readValue(generated.toFile(), HistoryGenerator.Stats.class);
            System.out.println("reusing " + data + ", generated as " + generated);
        } else {
            System.out.printf(Locale.ROOT, "generating %d days, about %,d requests, into %s%n", options.days(),
                    options.requests(), data);
            stats = new HistoryGenerator(generate).run();
            MAPPER.writeValue(generated.toFile(), stats);
            System.out.println(MAPPER.writeValueAsString(stats));
        }
        String from = stats.periodFrom();
        // one day: the period closes just after its last entry (time is stamped to the microsecond)
        String to = stats.periodTo() != null ? stats.periodTo()
                : java.time.Instant.parse(stats.last()).plusNanos(1000).toString();

        // 2. the node on it, and what an auditor exports
        Path evidence = work.resolve("evidence.zip");
        Path keys = work.resolve("keys.json");
        double exportSeconds = -1;
        if (reuse && Files.exists(evidence) && Files.exists(keys)) {
            System.out.println("reusing the export " + evidence);
        } else {
            exportSeconds = export(options, work, data, from, to, evidence, keys);
        }

        // 3. the report, its check, and the check of a copy with one figure changed
        Path report = work.resolve("report-" + options.framework() + ".zip");
        Path pages = work.resolve("pages");
        List<String> make = new ArrayList<>(List.of("report", evidence.toString(), "--framework",
                options.framework(), "--out", report.toString(), "--keys", keys.toString()));
        if (options.pages()) {
            make.addAll(List.of("--pages", pages.toString()));
        }
        Command made = verifier(options, work.resolve("gc-make.log"), make.toArray(String[]::new));
        System.out.print(made.output());
        List<Path> pngs = new ArrayList<>();
        if (Files.isDirectory(pages)) {
            try (Stream<Path> list = Files.list(pages)) {
                list.filter(p -> p.toString().endsWith(".png")).sorted().forEach(pngs::add);
            }
        }
        Command verified = verifier(options, work.resolve("gc-check.log"), report.toString(), "--keys",
                keys.toString());
        System.out.print(verified.output());
        Path edited = work.resolve("report-edited.zip");
        String figure = "requests.byStatus.denied";
        JsonNode figures = null;
        Command rejected = new Command(-1, "", null);
        if (made.exit() == 0) {
            try (ZipFile zip = new ZipFile(report.toFile())) {
                figures = MAPPER.readTree(zip.getInputStream(zip.getEntry("figures.json")));
            }
            editFigure(report, edited);
            rejected = verifier(options, null, edited.toString(), "--keys", keys.toString());
            System.out.print(rejected.output());
        }
        return new Result(stats, from, to, evidence, keys, report, pngs, made.exit(), verified.output(),
                verified.exit(), figure, rejected.output(), rejected.exit(), figures, made.timing(),
                verified.timing(), Files.size(evidence), exportSeconds);
    }

    /** Starts the distribution on {@code data} and exports the period's evidence and the keys; the export's seconds. */
    private static double export(Options options, Path work, Path data, String from, String to, Path evidence,
                                 Path keys) throws Exception {
        Path home = work.resolve("countersign");
        Files.createDirectories(home);
        run(Duration.ofMinutes(5), "tar", "-xzf", options.distribution().toString(), "-C", home.toString(),
                "--strip-components=1");
        int port = freePort();
        double exportSeconds;
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "run");
        builder.environment().put("COUNTERSIGN_HTTP_PORT", Integer.toString(port));
        builder.environment().put("COUNTERSIGN_CONSOLE_PORT", Integer.toString(freePort()));
        builder.environment().put("COUNTERSIGN_DATA_DIR", data.toString());
        builder.environment().put("COUNTERSIGN_RULES_DIR", options.rules().toString());
        builder.environment().put("JAVA_MIN_MEM", options.heap());
        builder.environment().put("JAVA_MAX_MEM", options.heap());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("console.log").toFile()));
        builder.directory(home.toFile());
        System.out.println("starting the distribution on it, port " + port);
        Process node = builder.start();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + port;
            awaitHealthy(client, base, node, options.startTimeout());
            JsonNode credentials = MAPPER.readTree(data.resolve("demo-credentials.json").toFile());
            String token = credentials.path("reviewers").path(0).path("token").asText();
            String query = "from=" + URLEncoder.encode(from, StandardCharsets.UTF_8) + "&to="
                    + URLEncoder.encode(to, StandardCharsets.UTF_8);
            long exportStarted = System.nanoTime();
            download(client, base + "/v1/evidence?" + query, token, evidence);
            exportSeconds = (System.nanoTime() - exportStarted) / 1e9;
            download(client, base + "/v1/ledger/keys", token, keys);
            System.out.printf(Locale.ROOT, "exported %s (%,d bytes) for [%s, %s)%n", evidence.getFileName(),
                    Files.size(evidence), from, to);
        } finally {
            stop(node);
        }
        return exportSeconds;
    }

    /**
     * A copy of the report whose figures.json says one more request was denied than the evidence does: what an
     * edited spreadsheet figure looks like. Every other member, the manifest included, is copied unchanged.
     */
    static void editFigure(Path report, Path edited) throws IOException {
        try (ZipFile zip = new ZipFile(report.toFile());
             OutputStream file = Files.newOutputStream(edited);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(0);
                out.putNextEntry(copy);
                if (!entry.getName().equals("figures.json")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                    continue;
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                {
                    String text = new String(bytes, StandardCharsets.UTF_8);
                    Matcher denied = Pattern.compile("(\"byStatus\" : \\{[^}]*?\"denied\" : )(\\d+)").matcher(text);
                    if (!denied.find()) {
                        throw new IllegalStateException("figures.json has no requests.byStatus.denied");
                    }
                    text = text.substring(0, denied.start(2)) + (Long.parseLong(denied.group(2)) + 1)
                            + text.substring(denied.end(2));
                    bytes = text.getBytes(StandardCharsets.UTF_8);
                }
                out.write(bytes);
                out.closeEntry();
            }
        }
    }

    private record Command(int exit, String output, Timing timing) {
    }



    private static Command verifier(Options options, Path gcLog, String... args) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (options.verifyHeap() != null) {
            line.add("-Xmx" + options.verifyHeap());
        }
        if (gcLog != null) {
            line.add("-Xlog:gc:file=" + gcLog);
            line.add("-Dcountersign.timings=true");
        }
        line.addAll(List.of("-jar", options.verifyJar().toString()));
        line.addAll(List.of(args));
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        long started = System.nanoTime();
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = process.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("the verifier did not finish: " + line);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String output = new String(out, StandardCharsets.UTF_8);
        List<String> phases = output.lines().filter(l -> l.startsWith("TIMING ")).map(l -> l.substring(7)).toList();
        String shown = output.lines().filter(l -> !l.startsWith("TIMING ")).map(l -> l + "\n")
                .collect(java.util.stream.Collectors.joining());
        phases.forEach(phase -> System.out.println("  " + phase));
        return new Command(process.exitValue(), shown, timing(seconds, gcLog, phases, loadBefore,
                Files.readString(Path.of("/proc/loadavg")).strip()));
    }

    /** From a -Xlog:gc log: the most heap in use before any collection, the most left after one, the most committed. */
    private static Timing timing(double seconds, Path gcLog, List<String> phases, String loadBefore,
                                 String loadAfter) throws IOException {
        long peak = -1;
        long live = -1;
        long committed = -1;
        if (gcLog != null && Files.exists(gcLog)) {
            Matcher m = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)").matcher(Files.readString(gcLog));
            while (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
                live = Math.max(live, Long.parseLong(m.group(2)));
                committed = Math.max(committed, Long.parseLong(m.group(3)));
            }
        }
        return new Timing(Math.round(seconds * 100) / 100.0, peak, live, committed, phases, loadBefore, loadAfter);
    }

    private static void writeResult(Path root, Options options, Result result) throws Exception {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("benchmark", "compliance report for a generated period: countersign-verify report (make) and"
                + " countersign-verify REPORT.zip (check), each its own JVM; peak heap from -Xlog:gc (heap in use"
                + " before a collection)");
        json.put("when", java.time.Instant.now().toString());
        json.put("commit", git(root));
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("loadAverageAtEnd", Files.readString(Path.of("/proc/loadavg")).strip());
        json.put("java", System.getProperty("java.version"));
        json.put("verifyHeap", options.verifyHeap() == null ? "default" : "-Xmx" + options.verifyHeap());
        json.put("pages", options.pages());
        json.put("from", result.from());
        json.put("to", result.to());
        json.set("generated", MAPPER.valueToTree(result.generated()));
        json.put("evidenceBytes", result.evidenceBytes());
        json.put("exportSeconds", Math.round(result.exportSeconds() * 10) / 10.0);
        json.set("make", MAPPER.valueToTree(result.make()));
        json.set("check", MAPPER.valueToTree(result.check()));
        json.put("checkOutput", result.verifyOutput().isEmpty() ? "" : result.verifyOutput().strip());
        json.put("verified", result.verified());
        json.put("editedFigureRejected", result.editRejected());
        json.put("population", result.figures() == null ? -1 : result.figures().path("requests").path("total")
                .asLong());
        Path out = root.resolve("bench/results/report-" + java.time.Instant.now().toString().replace(':', '-')
                + ".json");
        MAPPER.writeValue(out.toFile(), json);
        System.out.println("results written to " + root.relativize(out));
    }

    private static String git(Path root) {
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "HEAD").start();
            return new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void awaitHealthy(HttpClient client, String base, Process node, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!node.isAlive()) {
                throw new IllegalStateException("the distribution exited with " + node.exitValue());
            }
            try {
                HttpResponse<Void> health = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the distribution was not healthy within " + timeout);
    }

    private static void download(HttpClient client, String url, String token, Path to) throws Exception {
        HttpResponse<Path> response;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        do {
            response = client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofMinutes(30)).build(), HttpResponse.BodyHandlers.ofFile(to));
            // health answers once the core is up; a route of another component may register a moment later
        } while ((response.statusCode() == 404 || response.statusCode() == 503) && System.nanoTime() < deadline
                && sleep(500));
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode() + ": "
                    + Files.readString(to));
        }
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    private static void run(Duration timeout, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = process.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
