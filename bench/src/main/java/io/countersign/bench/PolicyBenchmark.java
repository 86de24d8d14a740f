package io.countersign.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.PolicyContext;
import io.countersign.policy.drools.internal.PolicyRuntime;
import io.countersign.policy.drools.internal.ReloadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The policy engine on its own (target T1a): the latency of one decision with the default pack and with 1,000
 * generated single-pattern rules, and the time to build and swap a 1,000-rule set while other threads keep deciding,
 * counting every request that failed or was decided by neither the old nor the new rule set.
 * <p>
 * Each decision is timed on its own ({@code System.nanoTime} before and after), after a warm-up; the figures include
 * turning the request's JSON parameters into the fact's maps and the class-loader switch, as in production.
 */
public final class PolicyBenchmark {

    private static final Agent AGENT = new Agent("bench-agent", List.of("alice"));
    private static final PolicyContext CONTEXT = new PolicyContext(java.util.Map.of("alice", java.util.Set.of(
            "analysts")), 3, 1, false);

    private PolicyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int measured = intArg(args, "--decisions", 1_000_000);
        int swaps = intArg(args, "--swaps", 10);
        int rules = intArg(args, "--rules", 1000);
        Path root = Path.of(System.getProperty("countersign.root", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("countersign-policy-bench");
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("startedAt", Instant.now().toString());
        result.put("java", System.getProperty("java.version"));
        result.put("cores", Runtime.getRuntime().availableProcessors());

        Path pack = copyPack(root.resolve("rules"), work.resolve("default-pack"));
        result.set("defaultPack", latency("default pack", pack, defaultPackRequests(), measured));

        Path generated = Files.createDirectories(work.resolve("generated"));
        writeGenerated(generated, rules, 0);
        result.set("generated", latency(rules + " generated rules", generated, generatedRequests(rules), measured));

        result.set("swap", swap(generated, rules, swaps));

        Path results = Files.createDirectories(root.resolve("bench/results"));
        Path file = results.resolve("policy-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.println("results: " + root.relativize(file));
    }

    /** Times {@code measured} decisions on one thread after a warm-up of a fifth as many. */
    private static ObjectNode latency(String name, Path dir, List<ActionRequest> requests, int measured) {
        long buildStart = System.nanoTime();
        PolicyRuntime runtime = new PolicyRuntime(dir, Duration.ofHours(1), PolicyBenchmark.class.getClassLoader());
        ReloadResult loaded = runtime.reload();
        long buildMillis = (System.nanoTime() - buildStart) / 1_000_000;
        if (!loaded.activated()) {
            throw new IllegalStateException(name + " does not compile: " + loaded.errors());
        }
        int n = requests.size();
        long sink = 0;
        for (int i = 0; i < measured / 5; i++) {
            sink += runtime.decide(requests.get(i % n), AGENT, CONTEXT).rules().size();
        }
        long[] nanos = new long[measured];
        long start = System.nanoTime();
        for (int i = 0; i < measured; i++) {
            ActionRequest request = requests.get(i % n);
            long before = System.nanoTime();
            Decision decision = runtime.decide(request, AGENT, CONTEXT);
            nanos[i] = System.nanoTime() - before;
            sink += decision.rules().size();
        }
        long elapsed = System.nanoTime() - start;
        runtime.close();
        Arrays.sort(nanos);
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rules", loaded.ruleCount());
        json.put("firstBuildMillis", buildMillis);
        json.put("decisions", measured);
        json.put("decisionsPerSecond", Math.round(measured / (elapsed / 1e9)));
        json.put("p50Micros", micros(nanos, 0.50));
        json.put("p99Micros", micros(nanos, 0.99));
        json.put("p999Micros", micros(nanos, 0.999));
        json.put("maxMicros", nanos[nanos.length - 1] / 1000.0);
        json.put("checksum", sink);
        System.out.printf("%-22s %d rules: %,d decisions/s, p50 %.2f µs, p99 %.2f µs, p99.9 %.2f µs, max %.0f µs;"
                        + " first build %d ms%n", name, loaded.ruleCount(), json.path("decisionsPerSecond").asLong(),
                micros(nanos, 0.50), micros(nanos, 0.99), micros(nanos, 0.999), nanos[nanos.length - 1] / 1000.0,
                buildMillis);
        return json;
    }

    /**
     * Rebuilds and swaps a {@code rules}-rule set {@code swaps} times, alternating two rule sets that decide the same
     * requests differently, while one thread decides continuously; every decision must come from one of the two and
     * none may fail closed.
     */
    private static ObjectNode swap(Path dir, int rules, int swaps) throws Exception {
        PolicyRuntime runtime = new PolicyRuntime(dir, Duration.ofHours(1), PolicyBenchmark.class.getClassLoader());
        if (!runtime.reload().activated()) {
            throw new IllegalStateException("the generated rules do not compile");
        }
        List<ActionRequest> requests = generatedRequests(rules);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong decided = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<String> versions = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(runtime.version()));
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                try {
                    Decision decision = runtime.decide(requests.get(i++ % requests.size()), AGENT, CONTEXT);
                    boolean failedClosed = decision.reasons().stream().anyMatch(r -> r.startsWith("policy evaluation"
                            + " failed") || r.startsWith("no valid rule set"));
                    if (failedClosed || !versions.contains(decision.policyVersion())) {
                        failed.incrementAndGet();
                        if (failures.size() < 10) {
                            failures.add(decision.policyVersion() + " " + decision.reasons());
                        }
                    }
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    failures.add(e.toString());
                }
                decided.incrementAndGet();
            }
        }, "policy-bench-load");
        load.start();
        Thread.sleep(2000);
        long[] millis = new long[swaps];
        for (int s = 0; s < swaps; s++) {
            writeGenerated(dir, rules, s + 1);
            String next = versionOf(dir);
            versions.add(next);
            long start = System.nanoTime();
            ReloadResult result = runtime.reload();
            millis[s] = (System.nanoTime() - start) / 1_000_000;
            if (!result.activated()) {
                throw new IllegalStateException("swap " + s + " was not activated: " + result);
            }
            Thread.sleep(500);
        }
        running.set(false);
        load.join();
        runtime.close();
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rules", rules);
        json.put("swaps", swaps);
        ArrayNode each = json.putArray("buildAndSwapMillis");
        for (long m : millis) {
            each.add(m);
        }
        json.put("p50Millis", sorted[swaps / 2]);
        json.put("maxMillis", sorted[swaps - 1]);
        json.put("decisionsDuringSwaps", decided.get());
        json.put("failedDecisions", failed.get());
        failures.forEach(json.putArray("failureSamples")::add);
        System.out.printf("build and swap of %d rules, %d times while deciding: p50 %d ms, max %d ms; %,d decisions,"
                + " %d failed%n", rules, swaps, sorted[swaps / 2], sorted[swaps - 1], decided.get(), failed.get());
        return json;
    }

    /** The version the directory will have: the runtime reports it only after the reload. */
    private static String versionOf(Path dir) throws IOException {
        java.security.MessageDigest sha256;
        try {
            sha256 = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".drl")).sorted((a, b) -> a.getFileName()
                    .toString().compareTo(b.getFileName().toString())).toList()) {
                sha256.update(file.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha256.update((byte) 0);
                sha256.update(Files.readAllBytes(file));
                sha256.update((byte) 0);
            }
        }
        return "sha256:" + java.util.HexFormat.of().formatHex(sha256.digest());
    }

    private static double micros(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1000.0;
    }

    private static Path copyPack(Path rules, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(rules)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".drl")).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    /**
     * {@code rules} single-pattern rules over {@code rules / 4} actions, four per action (allow outside production,
     * review in production, a size escalation, a denial), written like real rules with {@code action == "…"} first.
     * {@code variant} changes thresholds and reasons, so each variant is a different rule set.
     */
    private static void writeGenerated(Path dir, int rules, int variant) throws IOException {
        try (Stream<Path> old = Files.list(dir)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        int actions = rules / 4;
        int perFile = 50;
        for (int f = 0; f * perFile < actions; f++) {
            StringBuilder drl = new StringBuilder("package bench.rules;\n\nimport io.countersign.policy.model.ActionFact;\n\n");
            for (int a = f * perFile; a < Math.min(actions, (f + 1) * perFile); a++) {
                String action = "svc" + a + ".operation";
                long large = 1000L + 37L * a + variant;
                drl.append(rule("A" + a + " outside production is allowed", "action == \"" + action + "\", !production",
                        "$a.allow(\"v" + variant + ": outside production\");"));
                drl.append(rule("A" + a + " in production needs an owner", "action == \"" + action + "\", production",
                        "$a.review(\"owners-" + (a % 7) + "\", 1, \"v" + variant + ": production\");"
                                + " $a.deadline(\"PT" + (1 + a % 4) + "H\");"));
                drl.append(rule("A" + a + " large needs two owners", "action == \"" + action + "\", rows > " + large,
                        "$a.review(\"owners-" + (a % 7) + "\", 2, \"v" + variant + ": large\");"));
                drl.append(rule("A" + a + " bulk personal data is denied", "action == \"" + action
                        + "\", containsPii, rows > " + (large * 100), "$a.deny(\"v" + variant + ": bulk\");"));
            }
            Files.writeString(dir.resolve(String.format("generated-%03d.drl", f)), drl.toString());
        }
    }

    private static String rule(String name, String constraints, String consequence) {
        return "rule \"" + name + "\"\nwhen\n    $a : ActionFact(" + constraints + ")\nthen\n    " + consequence
                + "\nend\n\n";
    }

    private static List<ActionRequest> defaultPackRequests() {
        String[] actions = {"data.export", "db.query", "db.write", "db.delete", "iam.role.change",
            "privilege.escalate", "network.security_group.change", "s3.bucket.delete"};
        return requests(actions, 4096);
    }

    private static List<ActionRequest> generatedRequests(int rules) {
        String[] actions = new String[rules / 4];
        for (int a = 0; a < actions.length; a++) {
            actions[a] = "svc" + a + ".operation";
        }
        return requests(actions, 8192);
    }

    private static List<ActionRequest> requests(String[] actions, int count) {
        Random random = new Random(42);
        String[] environments = {"production", "staging", "development"};
        long[] rows = {10, 500, 9_999, 10_001, 50_000, 2_000_000};
        List<ActionRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ObjectNode parameters = JsonNodeFactory.instance.objectNode();
            parameters.put("rows", rows[random.nextInt(rows.length)]);
            parameters.put("containsPii", random.nextBoolean());
            Action action = new Action(actions[random.nextInt(actions.length)], "warehouse.table" + (i % 50),
                    parameters, environments[random.nextInt(environments.length)], AGENT.id(), List.of("alice"));
            requests.add(new ActionRequest("bench-" + i, action, "benchmark", "sha256:bench", Instant.now(), null));
        }
        return requests;
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
