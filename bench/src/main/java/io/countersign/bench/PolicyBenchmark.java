package io.countersign.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.Outcome;
import io.countersign.policy.drools.internal.PolicyRuntime;
import io.countersign.policy.drools.internal.ReloadResult;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The policy engine on its own (target T1a in {@code shared/reference/performance.md}): no HTTP, no OSGi, the engine's
 * {@link PolicyRuntime} on a plain class path. Three phases:
 * <ol>
 *   <li>decision latency on one thread with the default pack ({@code <countersign.root>/rules});</li>
 *   <li>the same with a generated set of 1,000 single-pattern rules;</li>
 *   <li>build and swap: with the generated set active and background threads deciding without pause, the rule files
 *       are replaced by a different 1,000-rule set and {@link PolicyRuntime#reload()} is timed, {@code --swaps}
 *       times. A decision that failed closed, threw, came from a rule set other than the old or the new one, or
 *       (once the reload has returned) from anything but the new one, counts as failed.</li>
 * </ol>
 * Each decision is timed on its own with {@link System#nanoTime()} into an HdrHistogram (1 ns resolution below
 * 2 µs, 3 significant digits above), after a warm-up that runs the same loop. What is timed is
 * {@link PolicyRuntime#decide(ActionRequest, Agent)}: the request's JSON parameters turned into the fact's maps, the
 * thread-context class-loader switch, insert / fire / delete in a reused session, and the combination into a
 * {@link Decision}. Requests are built beforehand. Writes {@code bench/results/policy-<timestamp>.json}.
 * <p>
 * Usage: {@code PolicyBenchmark [--warmup 10] [--seconds 20] [--rules 1000] [--swaps 10] [--load-threads 1]
 * [--settle-ms 1000]}; {@code -Dcountersign.root=DIR} (default: the current directory).
 */
public final class PolicyBenchmark {

    private static final Agent AGENT = new Agent(PolicyWorkload.AGENT_ID, PolicyWorkload.ACTS_FOR);
    private static final Duration DEFAULT_REVIEW_TIMEOUT = Duration.ofHours(1);
    private static final long HIGHEST = TimeUnit.SECONDS.toNanos(60);
    private static final String EVALUATION_FAILED = "policy evaluation failed";
    private static final String NO_VALID_RULE_SET = "no valid rule set";
    private static final int REQUESTS = 8192;

    private PolicyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // the engine logs every activation at INFO; keep the console to the figures unless asked otherwise
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        int warmup = intArg(args, "--warmup", 10);
        int seconds = intArg(args, "--seconds", 20);
        int rules = intArg(args, "--rules", 1000);
        int swaps = intArg(args, "--swaps", 10);
        int loadThreads = intArg(args, "--load-threads", 1);
        int settleMillis = intArg(args, "--settle-ms", 1000);
        Path root = Path.of(System.getProperty("countersign.root", ".")).toAbsolutePath().normalize();
        Path pack = root.resolve("rules");
        if (!Files.isDirectory(pack)) {
            throw new IllegalArgumentException(pack + " is not a directory: set -Dcountersign.root");
        }
        Path work = Files.createTempDirectory("countersign-policy-bench");
        ClassLoader loader = PolicyBenchmark.class.getClassLoader();

        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("when", Instant.now().toString());
        report.put("java", System.getProperty("java.version"));
        report.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        report.put("gc", String.join(",", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList()));
        report.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        ObjectNode settings = report.putObject("settings");
        settings.put("warmupSeconds", warmup).put("seconds", seconds).put("rules", rules).put("swaps", swaps)
                .put("loadThreads", loadThreads).put("settleMillis", settleMillis).put("rulesDir", pack.toString());
        report.set("timer", timerOverhead());
        System.out.printf(Locale.ROOT, "policy benchmark: %d s warm-up + %d s measured per rule set, %d generated"
                + " rules, %d swaps; timer overhead p50 %d ns%n", warmup, seconds, rules, swaps,
                report.path("timer").path("p50Nanos").asLong());

        boolean ok = true;
        try {
            // 1. the default pack, read from the real rules directory
            List<ActionRequest> packRequests = PolicyWorkload.defaultPackRequests(REQUESTS);
            // only the constructor, reload() and decide() of PolicyRuntime: the rest of it is changing
            PolicyRuntime packRuntime = new PolicyRuntime(pack, DEFAULT_REVIEW_TIMEOUT, loader);
            ObjectNode packPhase = load(packRuntime, "default pack");
            packPhase.setAll(latency(packRuntime, packRequests, null, warmup, seconds));
            packPhase.put("distinctRequests", packRequests.size());
            report.set("defaultPack", packPhase);
            ok &= print("default pack", packPhase);
            packRuntime = null; // let the collector have it; no watcher was started, so nothing to close

            // 2. and 3. the generated rule set, then swaps to new generated sets while it decides
            Path live = Files.createDirectories(work.resolve("rules"));
            Path staged = work.resolve("rules.next");
            PolicyWorkload.writeGenerated(live, rules, 0);
            List<ActionRequest> generatedRequests = PolicyWorkload.generatedRequests(rules / 4, REQUESTS);
            PolicyRuntime runtime = new PolicyRuntime(live, DEFAULT_REVIEW_TIMEOUT, loader);
            ObjectNode phase = load(runtime, rules + " generated rules");
            phase.setAll(latency(runtime, generatedRequests, "v0", warmup, seconds));
            phase.put("actions", rules / 4);
            phase.put("distinctRequests", generatedRequests.size());
            report.set("generated", phase);
            ok &= print(rules + " generated rules", phase);

            ObjectNode swap = swaps(runtime, phase.path("version").asText(), live, staged, rules, swaps, loadThreads,
                    settleMillis, generatedRequests);
            report.set("swap", swap);
            ok &= swap.path("failedDecisions").asLong() == 0 && swap.path("checksFailed").asLong() == 0
                    && swap.path("swapsDone").asInt() == swaps;
        } finally {
            deleteTree(work);
        }
        report.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        report.put("ok", ok);

        Path results = Files.createDirectories(root.resolve("bench/results"));
        Path out = results.resolve("policy-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.writeString(out, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        summary(report);
        System.out.println("results written to " + root.relativize(out));
        if (!ok) {
            System.out.println("FAILED: see the failures above");
            System.exit(1);
        }
    }

    /** The first load of a rule set (read, compile, warm up, activate), timed. */
    private static ObjectNode load(PolicyRuntime runtime, String name) {
        long start = System.nanoTime();
        ReloadResult loaded = runtime.reload();
        long nanos = System.nanoTime() - start;
        if (!loaded.activated()) {
            throw new IllegalStateException(name + " does not compile: " + loaded.errors());
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rules", loaded.ruleCount());
        json.put("version", loaded.version());
        json.put("firstBuildMillis", TimeUnit.NANOSECONDS.toMillis(nanos));
        return json;
    }

    // ---------------------------------------------------------------- latency on one thread

    /** What the decisions of a phase were, and what was wrong with any of them. */
    private static final class Tally {
        final EnumMap<Outcome, long[]> outcomes = new EnumMap<>(Outcome.class);
        final String variant;
        long failed;
        long noRuleMatched;
        final List<String> samples = new ArrayList<>();

        Tally(String variant) {
            this.variant = variant;
            for (Outcome outcome : Outcome.values()) {
                outcomes.put(outcome, new long[1]);
            }
        }

        void add(Decision decision) {
            outcomes.get(decision.outcome())[0]++;
            String problem = problem(decision, variant);
            if (problem == null && decision.reasons().contains("no rule matched this action")) {
                noRuleMatched++;
            }
            if (problem != null) {
                failed++;
                if (samples.size() < 10) {
                    samples.add(problem);
                }
            }
        }
    }

    /** Times every decision of {@code seconds} after {@code warmup} seconds of the very same loop. */
    private static ObjectNode latency(PolicyRuntime runtime, List<ActionRequest> requests, String variant, int warmup,
                                      int seconds) {
        ActionRequest[] pool = requests.toArray(ActionRequest[]::new);
        run(runtime, pool, TimeUnit.SECONDS.toNanos(warmup), new Histogram(HIGHEST, 3), new Tally(variant));
        Histogram histogram = new Histogram(HIGHEST, 3);
        Tally tally = new Tally(variant);
        Meter meter = Meter.start();
        long elapsed = run(runtime, pool, TimeUnit.SECONDS.toNanos(seconds), histogram, tally);
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        long count = histogram.getTotalCount();
        json.put("decisions", count);
        json.put("decisionsPerSecond", Math.round(count / (elapsed / 1e9)));
        json.setAll(percentiles(histogram));
        ObjectNode outcomes = json.putObject("outcomes");
        tally.outcomes.forEach((outcome, n) -> outcomes.put(outcome.name(), n[0]));
        json.put("noRuleMatched", tally.noRuleMatched);
        json.put("failedDecisions", tally.failed);
        ArrayNode samples = json.putArray("failureSamples");
        tally.samples.forEach(samples::add);
        json.set("machine", meter.stop());
        return json;
    }

    /** One thread deciding for {@code nanos}; each {@code decide} timed on its own. Returns the elapsed time. */
    private static long run(PolicyRuntime runtime, ActionRequest[] pool, long nanos, Histogram histogram,
                            Tally tally) {
        int n = pool.length;
        int i = 0;
        long start = System.nanoTime();
        long end = start + nanos;
        long after;
        do {
            ActionRequest request = pool[i];
            i = i + 1 == n ? 0 : i + 1;
            long before = System.nanoTime();
            Decision decision = runtime.decide(request, AGENT);
            after = System.nanoTime();
            histogram.recordValue(Math.min(after - before, HIGHEST));
            tally.add(decision);
        } while (after < end);
        return after - start;
    }

    /**
     * Why a decision counts as failed, or {@code null}: it failed closed, or (when {@code variant} is given) one of
     * its reasons does not come from that variant of the generated rules.
     */
    private static String problem(Decision decision, String variant) {
        for (String reason : decision.reasons()) {
            if (reason.startsWith(EVALUATION_FAILED) || reason.startsWith(NO_VALID_RULE_SET)) {
                return "failed closed (" + decision.policyVersion() + "): " + reason;
            }
        }
        if (variant != null && !variant.equals(variantOf(decision))) {
            return "decided by variant " + variantOf(decision) + " instead of " + variant + ": " + decision.reasons();
        }
        return null;
    }

    /** The {@code v<n>} every reason of a generated rule starts with; "mixed" or "none" otherwise. */
    private static String variantOf(Decision decision) {
        String found = null;
        for (String reason : decision.reasons()) {
            int colon = reason.indexOf(':');
            String tag = colon > 1 && reason.charAt(0) == 'v' ? reason.substring(0, colon) : "none";
            if (found == null) {
                found = tag;
            } else if (!found.equals(tag)) {
                return "mixed";
            }
        }
        return found == null ? "none" : found;
    }

    // ---------------------------------------------------------------- build and swap under load

    /**
     * A stretch of the swap phase. Load threads take the current window before each decision and record which rule
     * set version (and which variant of the rules, from the reasons) decided; the window is checked once every
     * thread has moved past it, when its last decision is recorded.
     */
    private static final class Window {
        final int id;
        final boolean swapping;
        final Map<String, String> allowed = new ConcurrentHashMap<>(); // version -> variant; "" while unknown
        final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>> seen = new ConcurrentHashMap<>();
        final LongAdder decisions = new LongAdder();
        final LongAdder failed = new LongAdder();
        final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();

        Window(int id, boolean swapping) {
            this.id = id;
            this.swapping = swapping;
        }

        void record(Decision decision, Throwable thrown) {
            decisions.increment();
            String problem = thrown != null ? "threw " + thrown : problem(decision, null);
            if (problem != null) {
                failed.increment();
                sample(problem);
                return;
            }
            seen.computeIfAbsent(decision.policyVersion(), v -> new ConcurrentHashMap<>())
                    .computeIfAbsent(variantOf(decision), t -> new LongAdder()).increment();
        }

        void sample(String problem) {
            if (samples.size() < 10) {
                samples.add("window " + id + ": " + problem);
            }
        }

        /** Counts, as failed, decisions from a version outside {@link #allowed} or with another variant's reasons. */
        long check() {
            long bad = 0;
            for (var byVersion : seen.entrySet()) {
                String expected = allowed.get(byVersion.getKey());
                for (var byVariant : byVersion.getValue().entrySet()) {
                    if (expected == null || !expected.equals(byVariant.getKey())) {
                        long n = byVariant.getValue().sum();
                        bad += n;
                        sample(n + " decisions by " + byVersion.getKey() + " with " + byVariant.getKey()
                                + " reasons; allowed " + allowed);
                    }
                }
            }
            failed.add(bad);
            return bad;
        }
    }

    private static ObjectNode swaps(PolicyRuntime runtime, String active, Path live, Path staged, int rules,
                                    int swaps, int loadThreads, int settleMillis, List<ActionRequest> requests)
            throws Exception {
        ActionRequest[] pool = requests.toArray(ActionRequest[]::new);
        List<Window> windows = new ArrayList<>();
        Window first = new Window(0, false);
        first.allowed.put(active, "v0");
        windows.add(first);
        AtomicReference<Window> current = new AtomicReference<>(first);
        AtomicLongArray reached = new AtomicLongArray(loadThreads);
        Histogram[] duringSwaps = new Histogram[loadThreads];
        Histogram[] otherwise = new Histogram[loadThreads];
        loadRunning = true;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < loadThreads; t++) {
            int me = t;
            duringSwaps[t] = new Histogram(HIGHEST, 3);
            otherwise[t] = new Histogram(HIGHEST, 3);
            Thread thread = new Thread(() -> {
                int i = me * 997 % pool.length;
                while (loadRunning) {
                    Window window = current.get();
                    reached.set(me, window.id);
                    ActionRequest request = pool[i];
                    i = i + 1 == pool.length ? 0 : i + 1;
                    Decision decision = null;
                    Throwable thrown = null;
                    long before = System.nanoTime();
                    try {
                        decision = runtime.decide(request, AGENT);
                    } catch (Throwable e) {
                        thrown = e;
                    }
                    long nanos = System.nanoTime() - before;
                    (window.swapping ? duringSwaps[me] : otherwise[me]).recordValue(Math.min(nanos, HIGHEST));
                    window.record(decision, thrown);
                }
            }, "policy-bench-load-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        Meter meter = Meter.start();
        Thread.sleep(2000);
        long[] wallMillis = new long[swaps];
        long[] reportedMillis = new long[swaps];
        long checked = 0;
        long checksFailed = 0;
        List<String> checkSamples = new ArrayList<>();
        String previous = active;
        int done = 0;
        List<String[]> swapWindows = new ArrayList<>(); // old version, new version, window id
        for (int s = 1; s <= swaps; s++) {
            String variant = "v" + s;
            PolicyWorkload.writeGenerated(staged, rules, s);
            PolicyWorkload.moveInto(staged, live);

            Window during = new Window(windows.size(), true);
            during.allowed.put(previous, windows.get(windows.size() - 1).allowed.get(previous));
            publish(current, windows, during, reached);

            long start = System.nanoTime();
            ReloadResult result = runtime.reload();
            wallMillis[s - 1] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            reportedMillis[s - 1] = result.millis();
            if (!result.activated() || result.ruleCount() != rules || result.activeVersion().equals(previous)) {
                checksFailed++;
                checkSamples.add("swap " + s + " did not activate a new rule set: " + result);
                break;
            }
            done = s;
            String next = result.activeVersion();
            during.allowed.put(next, variant);
            swapWindows.add(new String[] {previous, next, Integer.toString(during.id)});

            // from here on only the new rule set may decide, on every thread
            Window after = new Window(windows.size(), false);
            after.allowed.put(next, variant);
            publish(current, windows, after, reached);
            for (int k = 0; k < 256; k++) {
                Decision decision = runtime.decide(pool[(k * 31 + s) % pool.length], AGENT);
                checked++;
                if (!decision.policyVersion().equals(next) || !variant.equals(variantOf(decision))) {
                    checksFailed++;
                    if (checkSamples.size() < 10) {
                        checkSamples.add("after swap " + s + ": " + decision.policyVersion() + " "
                                + decision.reasons());
                    }
                }
            }
            Thread.sleep(settleMillis);
            System.out.printf(Locale.ROOT, "swap %2d: %,d ms (reload reports %,d ms), %,d decisions during it%n", s,
                    wallMillis[s - 1], reportedMillis[s - 1], during.decisions.sum());
            previous = next;
        }
        loadRunning = false;
        for (Thread thread : threads) {
            thread.join();
        }
        ObjectNode machine = meter.stop();
        long decisions = 0;
        long decisionsDuringSwaps = 0;
        long failed = 0;
        List<String> samples = new ArrayList<>();
        for (Window window : windows) {
            window.check();
            decisions += window.decisions.sum();
            decisionsDuringSwaps += window.swapping ? window.decisions.sum() : 0;
            failed += window.failed.sum();
            for (String sample : window.samples) {
                if (samples.size() < 20) {
                    samples.add(sample);
                }
            }
        }
        Histogram during = new Histogram(HIGHEST, 3);
        Histogram steady = new Histogram(HIGHEST, 3);
        for (int t = 0; t < loadThreads; t++) {
            during.add(duringSwaps[t]);
            steady.add(otherwise[t]);
        }

        wallMillis = Arrays.copyOf(wallMillis, done);
        reportedMillis = Arrays.copyOf(reportedMillis, done);
        long[] sorted = wallMillis.clone();
        Arrays.sort(sorted);
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rules", rules);
        json.put("swaps", swaps);
        json.put("loadThreads", loadThreads);
        ArrayNode each = json.putArray("buildAndSwapMillis");
        Arrays.stream(wallMillis).forEach(each::add);
        ArrayNode reported = json.putArray("reloadReportedMillis");
        Arrays.stream(reportedMillis).forEach(reported::add);
        ArrayNode perSwap = json.putArray("decisionsPerSwap");
        for (String[] swap : swapWindows) {
            Window building = windows.get(Integer.parseInt(swap[2]));
            Window after = windows.get(building.id + 1);
            perSwap.addObject()
                    .put("whileBuildingByOld", sum(building, swap[0]))
                    .put("whileBuildingByNew", sum(building, swap[1]))
                    .put("afterSwapByNew", sum(after, swap[1]))
                    .put("afterSwapOther", after.decisions.sum() - sum(after, swap[1]));
        }
        json.put("swapsDone", done);
        json.put("p50Millis", done == 0 ? -1 : sorted[(done - 1) / 2]);
        json.put("maxMillis", done == 0 ? -1 : sorted[done - 1]);
        json.put("decisions", decisions);
        json.put("decisionsDuringSwaps", decisionsDuringSwaps);
        json.put("failedDecisions", failed);
        ArrayNode failures = json.putArray("failureSamples");
        samples.forEach(failures::add);
        json.put("decisionsCheckedAfterSwaps", checked);
        json.put("checksFailed", checksFailed);
        ArrayNode checks = json.putArray("checkFailureSamples");
        checkSamples.forEach(checks::add);
        json.set("loadLatencyDuringSwaps", percentiles(during));
        json.set("loadLatencyBetweenSwaps", percentiles(steady));
        json.set("machine", machine);
        return json;
    }

    private static long sum(Window window, String version) {
        var byVariant = window.seen.get(version);
        return byVariant == null ? 0 : byVariant.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static volatile boolean loadRunning;

    /**
     * Makes {@code next} the window new decisions record into, and waits until every load thread has taken it: from
     * then on no decision of the previous window is still running, so none of them can see what happens next.
     */
    private static void publish(AtomicReference<Window> current, List<Window> windows, Window next,
                                AtomicLongArray reached) throws InterruptedException {
        current.set(next);
        windows.add(next);
        for (int t = 0; t < reached.length(); t++) {
            while (reached.get(t) < next.id) {
                Thread.onSpinWait();
            }
        }
    }

    // ---------------------------------------------------------------- reporting

    private static ObjectNode percentiles(Histogram h) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("count", h.getTotalCount());
        json.put("meanMicros", round3(h.getMean() / 1000));
        json.put("p50Micros", micros(h.getValueAtPercentile(50)));
        json.put("p90Micros", micros(h.getValueAtPercentile(90)));
        json.put("p99Micros", micros(h.getValueAtPercentile(99)));
        json.put("p999Micros", micros(h.getValueAtPercentile(99.9)));
        json.put("p9999Micros", micros(h.getValueAtPercentile(99.99)));
        json.put("maxMicros", micros(h.getMaxValue()));
        return json;
    }

    private static double micros(long nanos) {
        return round3(nanos / 1000.0);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static boolean print(String name, ObjectNode phase) {
        System.out.printf(Locale.ROOT, "%-20s %4d rules: %,9d decisions/s, p50 %6.2f µs, p99 %6.2f µs, p99.9 %7.2f µs,"
                        + " max %9.1f µs; first build %,d ms; %d failed%n", name, phase.path("rules").asInt(),
                phase.path("decisionsPerSecond").asLong(), phase.path("p50Micros").asDouble(),
                phase.path("p99Micros").asDouble(), phase.path("p999Micros").asDouble(),
                phase.path("maxMicros").asDouble(), phase.path("firstBuildMillis").asLong(),
                phase.path("failedDecisions").asLong());
        for (var sample : phase.path("failureSamples")) {
            System.out.println("  " + sample.asText());
        }
        return phase.path("failedDecisions").asLong() == 0;
    }

    private static void summary(ObjectNode report) {
        System.out.println();
        System.out.println("| rule set | decisions/s (1 thread) | p50 µs | p99 µs | p99.9 µs | max µs |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (String key : List.of("defaultPack", "generated")) {
            ObjectNode p = (ObjectNode) report.path(key);
            System.out.printf(Locale.ROOT, "| %s (%d rules) | %,d | %.2f | %.2f | %.1f | %.0f |%n",
                    key.equals("defaultPack") ? "default pack" : "generated", p.path("rules").asInt(),
                    p.path("decisionsPerSecond").asLong(), p.path("p50Micros").asDouble(),
                    p.path("p99Micros").asDouble(), p.path("p999Micros").asDouble(), p.path("maxMicros").asDouble());
        }
        ObjectNode s = (ObjectNode) report.path("swap");
        System.out.printf(Locale.ROOT, "build and swap of %d rules, %d times, %d load thread(s): p50 %,d ms, max %,d ms;"
                        + " %,d decisions during the swaps (%,d in all), %d failed; %,d decisions checked after the"
                        + " swaps, %d wrong%n", s.path("rules").asInt(), s.path("swaps").asInt(),
                s.path("loadThreads").asInt(), s.path("p50Millis").asLong(), s.path("maxMillis").asLong(),
                s.path("decisionsDuringSwaps").asLong(), s.path("decisions").asLong(),
                s.path("failedDecisions").asLong(), s.path("decisionsCheckedAfterSwaps").asLong(),
                s.path("checksFailed").asLong());
        System.out.printf(Locale.ROOT, "load thread while swapping: p50 %.2f µs, p99 %.2f µs, max %.0f µs;"
                        + " between swaps: p50 %.2f µs, p99 %.2f µs%n",
                s.path("loadLatencyDuringSwaps").path("p50Micros").asDouble(),
                s.path("loadLatencyDuringSwaps").path("p99Micros").asDouble(),
                s.path("loadLatencyDuringSwaps").path("maxMicros").asDouble(),
                s.path("loadLatencyBetweenSwaps").path("p50Micros").asDouble(),
                s.path("loadLatencyBetweenSwaps").path("p99Micros").asDouble());
        for (var sample : s.path("failureSamples")) {
            System.out.println("  " + sample.asText());
        }
        for (var sample : s.path("checkFailureSamples")) {
            System.out.println("  " + sample.asText());
        }
        for (String key : List.of("defaultPack", "generated", "swap")) {
            var m = report.path(key).path("machine");
            System.out.printf(Locale.ROOT, "%-11s benchmark %.2f cores, other processes %.2f cores, GC %d pauses"
                            + " (%d ms)%n", key + ":", m.path("benchmarkCoresUsed").asDouble(),
                    m.path("otherCoresUsed").asDouble(), m.path("gcCount").asLong(), m.path("gcMillis").asLong());
        }
    }

    /** The cost of the two {@code nanoTime} calls around each decision, which every figure includes. */
    private static ObjectNode timerOverhead() {
        Histogram h = new Histogram(HIGHEST, 3);
        for (int i = 0; i < 2_000_000; i++) {
            long before = System.nanoTime();
            h.recordValue(Math.min(System.nanoTime() - before, HIGHEST));
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("p50Nanos", h.getValueAtPercentile(50));
        json.put("p99Nanos", h.getValueAtPercentile(99));
        return json;
    }

    /** CPU used by this process and by everything else on the machine, and GC, over a phase. */
    private record Meter(long wallStart, double machineStart, double benchStart, long gcCountStart,
                         long gcMillisStart) {
        static Meter start() {
            return new Meter(System.nanoTime(), CpuTime.machineSeconds(), CpuTime.thisProcessSeconds(), gcCount(),
                    gcMillis());
        }

        ObjectNode stop() {
            double wall = (System.nanoTime() - wallStart) / 1e9;
            double machine = CpuTime.machineSeconds() - machineStart;
            double bench = CpuTime.thisProcessSeconds() - benchStart;
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("seconds", Math.round(wall * 10) / 10.0);
            json.put("benchmarkCoresUsed", Math.round(bench / wall * 100) / 100.0);
            json.put("otherCoresUsed", Math.round(Math.max(0, machine - bench) / wall * 100) / 100.0);
            json.put("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            json.put("gcCount", gcCount() - gcCountStart);
            json.put("gcMillis", gcMillis() - gcMillisStart);
            return json;
        }

        private static long gcCount() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        }

        private static long gcMillis() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        }


    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
