package io.countersign.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What {@link PolicyBenchmark} feeds the engine: request mixes for the default pack and for generated rule sets, and
 * the generated rule sets themselves. Everything is built before the clock starts, from fixed seeds, so two runs
 * decide the same requests.
 */
final class PolicyWorkload {

    /** The agent every request comes from; it is registered to act for both humans the requests name. */
    static final String AGENT_ID = "bench-agent";
    static final List<String> ACTS_FOR = List.of("alice", "bob");

    /** The actions the default pack names, and actions it does not know (its catch-all rules decide those). */
    static final List<String> PACK_ACTIONS = List.of("db.query", "db.write", "db.delete", "data.export",
            "iam.role.change", "privilege.escalate", "network.security_group.change");
    static final List<String> UNKNOWN_ACTIONS = List.of("s3.bucket.delete", "k8s.deployment.scale", "secrets.read");
    static final List<String> ENVIRONMENTS = List.of("production", "staging", "development");
    /** Misspelt environments: the fact model counts them as production. */
    private static final List<String> MISSPELT = List.of("prod", "Staging", "qa");

    /** Rough shares of a working day's traffic (per mille): mostly reads, then exports and writes. */
    private static final int[] PACK_WEIGHTS = {350, 120, 50, 180, 50, 50, 80};
    private static final String[] JUSTIFICATIONS = {
        "quarterly churn analysis", "ticket OPS-4821: clean up stale sessions", "nightly reconciliation",
        "incident INC-2291 follow-up", "customer support request 88412", "capacity planning for Q3",
    };
    private static final Instant MONDAY = Instant.parse("2026-11-16T00:00:00Z");

    private static final String[] DOMAINS = {"billing", "crm", "warehouse", "payments", "search", "identity",
        "k8s", "storage", "mail", "reporting"};
    private static final String[] VERBS = {"read", "write", "delete", "export", "deploy", "scale", "rotate",
        "grant", "restart", "configure", "migrate", "purge", "snapshot"};
    private static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-south-1", "us-west-2", "eu-central-1",
        "cn-north-1"};
    private static final String[] GROUPS = {"data-owners", "security", "sre", "finance", "platform", "compliance",
        "dba"};

    private PolicyWorkload() {
    }

    /**
     * {@code count} requests over the default pack: first one per action (known or not) and environment, misspelt
     * ones included, then a weighted random mix with the parameters each action carries (rows, containsPii, some of
     * them absent or a numeric string), 3 % blank justifications and receipt times spread over a week.
     */
    static List<ActionRequest> defaultPackRequests(int count) {
        Random random = new Random(20261122);
        List<ActionRequest> requests = new ArrayList<>(count);
        List<String> everyAction = new ArrayList<>(PACK_ACTIONS);
        everyAction.addAll(UNKNOWN_ACTIONS);
        List<String> everyEnvironment = new ArrayList<>(ENVIRONMENTS);
        everyEnvironment.addAll(MISSPELT);
        for (String action : everyAction) {
            for (String environment : everyEnvironment) {
                requests.add(packRequest(requests.size(), action, environment, random));
            }
        }
        while (requests.size() < count) {
            requests.add(packRequest(requests.size(), pickPackAction(random), pickEnvironment(random), random));
        }
        return requests;
    }

    /** The action names of a generated rule set: {@code <domain>-<n>.<verb>}. */
    static String generatedAction(int a) {
        return DOMAINS[a % DOMAINS.length] + "-" + (a / DOMAINS.length) + "." + VERBS[(a / DOMAINS.length)
                % VERBS.length];
    }

    /** {@code count} requests spread evenly over the {@code actions} generated actions. */
    static List<ActionRequest> generatedRequests(int actions, int count) {
        Random random = new Random(4242);
        List<ActionRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ObjectNode parameters = JsonNodeFactory.instance.objectNode();
            if (random.nextInt(100) >= 5) {
                parameters.put("rows", new long[] {10, 500, 5_000, 50_000, 500_000, 5_000_000}[random.nextInt(6)]);
            }
            parameters.put("containsPii", random.nextInt(100) < 30);
            parameters.put("region", REGIONS[random.nextInt(REGIONS.length)]);
            if (random.nextBoolean()) {
                parameters.put("ticket", "CHG-" + (10_000 + random.nextInt(90_000)));
            }
            String action = generatedAction(random.nextInt(actions));
            requests.add(request(i, action, action.substring(0, action.indexOf('.')) + "/item-" + random.nextInt(500),
                    parameters, pickEnvironment(random), random));
        }
        return requests;
    }

    /**
     * Writes a generated rule set of {@code rules} single-pattern rules into {@code dir} (replacing its
     * {@code *.drl}): four rules for each of {@code rules / 4} actions, 50 actions to a file, each starting with
     * {@code action == "…"} like the default pack. The four follow one of four families (allow outside production or
     * in development, review in production with a deadline, a size, personal-data, parameter or staging review, and
     * a denial on size, personal data or a blank justification). {@code variant} shifts every threshold and deadline
     * and starts every reason with {@code v<variant>:}, so two variants decide differently and each decision says
     * which variant made it. Every request of {@link #generatedRequests} matches at least one rule.
     */
    static void writeGenerated(Path dir, int rules, int variant) throws IOException {
        if (rules % 4 != 0) {
            throw new IllegalArgumentException("--rules must be a multiple of 4");
        }
        Files.createDirectories(dir);
        int actions = rules / 4;
        int perFile = 50;
        Set<String> written = new HashSet<>();
        for (int f = 0; f * perFile < actions; f++) {
            StringBuilder drl = new StringBuilder("// generated by PolicyBenchmark, variant ").append(variant)
                    .append("\npackage bench.rules;\n\nimport io.countersign.policy.model.ActionFact;\n\n");
            for (int a = f * perFile; a < Math.min(actions, (f + 1) * perFile); a++) {
                rulesFor(drl, a, variant);
            }
            String name = String.format("generated-%03d.drl", f);
            Files.writeString(dir.resolve(name), drl.toString());
            written.add(name);
        }
        try (Stream<Path> old = Files.list(dir)) {
            for (Path file : old.filter(p -> p.toString().endsWith(".drl")).toList()) {
                if (!written.contains(file.getFileName().toString())) {
                    Files.delete(file);
                }
            }
        }
    }

    /**
     * Replaces the rule files of {@code live} with those of {@code staged} (a sibling directory on the same file
     * system), each with an atomic rename, and removes rule files that {@code staged} does not have.
     */
    static void moveInto(Path staged, Path live) throws IOException {
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.list(staged)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".drl")).toList()) {
                names.add(file.getFileName().toString());
                Files.move(file, live.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (Stream<Path> files = Files.list(live)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".drl")).toList()) {
                if (!names.contains(file.getFileName().toString())) {
                    Files.delete(file);
                }
            }
        }
    }

    private static void rulesFor(StringBuilder drl, int a, int variant) {
        String action = generatedAction(a);
        String is = "action == \"" + action + "\"";
        String name = action + ":";
        String v = "v" + variant + ": ";
        String group = GROUPS[a % GROUPS.length];
        long large = 1_000L + 37L * a + variant;
        int hours = 1 + (a + variant) % 4;
        switch (a % 4) {
            case 0 -> {
                rule(drl, name + " outside production is allowed", is + ", !production",
                        "$a.allow(\"" + v + action + " outside production is allowed\");");
                rule(drl, name + " in production needs " + group, is + ", production",
                        "$a.review(\"" + group + "\", 1, \"" + v + action + " in production needs " + group + "\");",
                        "$a.deadline(\"PT" + hours + "H\");");
                rule(drl, name + " over " + large + " rows needs two of " + group, is + ", rows > " + large,
                        "$a.review(\"" + group + "\", 2, \"" + v + "more than " + large + " rows\");",
                        "$a.deadline(\"PT4H\");");
                rule(drl, name + " bulk personal data is denied", is + ", containsPii, rows > " + large * 100,
                        "$a.deny(\"" + v + "more than " + large * 100 + " rows of personal data\");");
            }
            case 1 -> {
                rule(drl, name + " outside production is allowed", is + ", !production",
                        "$a.allow(\"" + v + action + " outside production is allowed\");");
                rule(drl, name + " in production needs " + group, is + ", production",
                        "$a.review(\"" + group + "\", 1, \"" + v + action + " in production needs " + group + "\");",
                        "$a.deadline(\"PT" + hours + "H\");");
                rule(drl, name + " personal data needs a data owner", is + ", containsPii",
                        "$a.review(\"data-owners\", 1, \"" + v + "personal data needs a data owner\");",
                        "$a.deadline(\"PT2H\");");
                rule(drl, name + " in production without a justification is denied",
                        is + ", production, justification.isBlank()",
                        "$a.deny(\"" + v + "production needs a justification\");");
            }
            case 2 -> {
                rule(drl, name + " outside production is allowed", is + ", !production",
                        "$a.allow(\"" + v + action + " outside production is allowed\");");
                rule(drl, name + " in production needs " + group, is + ", production",
                        "$a.review(\"" + group + "\", 1, \"" + v + action + " in production needs " + group + "\");",
                        "$a.deadline(\"PT" + hours + "H\");");
                rule(drl, name + " in cn-north-1 needs security", is + ", parameters[\"region\"] == \"cn-north-1\"",
                        "$a.review(\"security\", 1, \"" + v + "cn-north-1 needs security\");",
                        "$a.deadline(\"PT" + (hours + 1) + "H\");");
                rule(drl, name + " large production change is denied", is + ", production, rows > " + large * 10,
                        "$a.deny(\"" + v + "more than " + large * 10 + " rows in production\");");
            }
            default -> {
                rule(drl, name + " in development is allowed", is + ", environment == \"development\"",
                        "$a.allow(\"" + v + action + " in development is allowed\");");
                rule(drl, name + " in staging needs " + group, is + ", environment == \"staging\"",
                        "$a.review(\"" + group + "\", 1, \"" + v + action + " in staging needs " + group + "\");",
                        "$a.deadline(\"PT4H\");");
                rule(drl, name + " in production needs two of " + group, is + ", production",
                        "$a.review(\"" + group + "\", 2, \"" + v + action + " in production needs two of " + group
                                + "\");",
                        "$a.deadline(\"PT" + hours + "H\");");
                rule(drl, name + " production personal data over " + large + " rows is denied",
                        is + ", production, containsPii, rows > " + large,
                        "$a.deny(\"" + v + "personal data over " + large + " rows in production\");");
            }
        }
    }

    private static void rule(StringBuilder drl, String name, String constraints, String... consequence) {
        drl.append("rule \"").append(name).append("\"\nwhen\n    $a : ActionFact(").append(constraints)
                .append(")\nthen\n");
        for (String line : consequence) {
            drl.append("    ").append(line).append('\n');
        }
        drl.append("end\n\n");
    }

    private static String pickPackAction(Random random) {
        int r = random.nextInt(1000);
        for (int i = 0; i < PACK_WEIGHTS.length; i++) {
            r -= PACK_WEIGHTS[i];
            if (r < 0) {
                return PACK_ACTIONS.get(i);
            }
        }
        return UNKNOWN_ACTIONS.get(random.nextInt(UNKNOWN_ACTIONS.size())); // the remaining 12 %
    }

    /** 45 % production, 28 % staging, 25 % development, 2 % misspelt. */
    private static String pickEnvironment(Random random) {
        int r = random.nextInt(100);
        if (r < 45) {
            return "production";
        } else if (r < 73) {
            return "staging";
        } else if (r < 98) {
            return "development";
        }
        return MISSPELT.get(random.nextInt(MISSPELT.size()));
    }

    private static ActionRequest packRequest(int i, String action, String environment, Random random) {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        String resource;
        switch (action) {
            case "data.export" -> {
                resource = "warehouse." + new String[] {"customers", "orders", "events", "invoices"}[random.nextInt(4)];
                int size = random.nextInt(100);
                long[] rows = {10, 500, 9_999, 10_000, 10_001, 50_000, 1_000_000, 2_000_000};
                if (size < 5) {
                    // no rows: an export of unstated size
                } else if (size < 8) {
                    parameters.put("rows", "20000");
                } else {
                    parameters.put("rows", rows[random.nextInt(rows.length)]);
                }
                if (random.nextInt(100) >= 5) {
                    parameters.put("containsPii", random.nextInt(100) < 35);
                }
                parameters.put("destination", "s3://analytics-exports/" + i);
                parameters.put("format", random.nextBoolean() ? "parquet" : "csv");
            }
            case "db.query", "db.write", "db.delete" -> {
                resource = "crm." + new String[] {"contacts", "accounts", "sessions", "audit_log"}[random.nextInt(4)];
                parameters.put("rows", new long[] {1, 20, 1_000, 25_000}[random.nextInt(4)]);
                parameters.put("containsPii", random.nextInt(100) < 30);
                parameters.put("statement", action.equals("db.query") ? "SELECT * FROM t WHERE id = ?"
                        : action.equals("db.write") ? "UPDATE t SET status = ? WHERE id = ?"
                        : "DELETE FROM t WHERE created < ?");
            }
            case "iam.role.change", "privilege.escalate" -> {
                resource = "iam/user/" + new String[] {"carol", "dave", "erin"}[random.nextInt(3)];
                parameters.put("role", new String[] {"admin", "billing-reader", "db-operator"}[random.nextInt(3)]);
                parameters.put("durationMinutes", 15 + random.nextInt(120));
            }
            case "network.security_group.change" -> {
                resource = "sg-0" + Integer.toHexString(0x1000 + random.nextInt(0xefff));
                parameters.put("port", new int[] {22, 443, 5432, 8080}[random.nextInt(4)]);
                parameters.put("cidr", random.nextBoolean() ? "10.0.0.0/8" : "0.0.0.0/0");
            }
            default -> {
                resource = "res-" + random.nextInt(100);
                parameters.put("region", REGIONS[random.nextInt(REGIONS.length)]);
            }
        }
        return request(i, action, resource, parameters, environment, random);
    }

    private static ActionRequest request(int i, String action, String resource, ObjectNode parameters,
                                         String environment, Random random) {
        int who = random.nextInt(10);
        List<String> onBehalfOf = who < 7 ? List.of("alice") : who < 9 ? List.of("bob") : List.of();
        Action act = new Action(action, resource, parameters, environment, AGENT_ID, onBehalfOf);
        String justification = random.nextInt(100) < 3 ? (random.nextBoolean() ? "" : "  ")
                : JUSTIFICATIONS[random.nextInt(JUSTIFICATIONS.length)];
        Instant receivedAt = MONDAY.plusSeconds(random.nextInt(7 * 24 * 3600));
        return new ActionRequest("bench-" + i, act, justification,
                "sha256:" + String.format("%064x", i), receivedAt, random.nextBoolean() ? null : "key-" + i);
    }
}
