package io.countersign.policy.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionRequest;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.Reviewer;
import io.countersign.api.Decision;
import io.countersign.api.PolicyContext;
import io.countersign.api.PolicyEngine;
import io.countersign.api.RequestView;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.core.internal.ApprovalEngine;
import io.countersign.journal.internal.FileJournal;
import io.countersign.policy.drools.internal.PolicyRuntime;
import io.countersign.signing.internal.KeyRing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal of a few hundred requests recorded by the real approval core under the default pack, replayed against
 * the pack with one rule changed: the exact requests that would have been decided differently, and how.
 */
class ReplayTest {

    @TempDir
    static Path dir;
    private static Path journal;
    private static Path candidate;
    private static Instant from;
    private static Instant to;
    /** What was submitted, by request id, and what was decided. */
    private static final Map<String, ObjectNode> PARAMETERS = new TreeMap<>();
    private static final Map<String, String> ACTIONS = new TreeMap<>();
    private static final Map<String, RequestView> VIEWS = new TreeMap<>();
    private static final Map<String, String> ENVIRONMENTS = new TreeMap<>();
    private static final Map<String, String> HUMANS = new TreeMap<>();
    /** For each data.export, how many data.export requests the agent made before it (all within the last hour). */
    private static final Map<String, Integer> EARLIER_EXPORTS = new TreeMap<>();
    private static Path burstCandidate;
    private static final int REQUESTS = 300;

    static Path rules() {
        return Path.of(System.getProperty("countersign.rules", "../../rules"));
    }

    @BeforeAll
    static void recordAJournal() throws Exception {
        Path pack = copy(rules(), dir.resolve("pack"));
        journal = dir.resolve("journal");
        PolicyRuntime runtime = new PolicyRuntime(pack, Duration.ofHours(1), ReplayTest.class.getClassLoader());
        assertTrue(runtime.reload().activated());
        PolicyEngine policy = new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent, PolicyContext context) {
                return runtime.decide(request, agent, context);
            }

            @Override
            public String version() {
                return runtime.version();
            }
        };
        FileJournal file = FileJournal.open(journal, 1 << 20);
        ApprovalEngine engine = new ApprovalEngine(file, policy, KeyRing.open(dir.resolve("keys"), "replay.test/log"),
                twoPeople(), ApprovalEngine.defaultConfig());
        Agent agent = new Agent("analytics-agent", List.of("alice", "carol"));
        Random random = new Random(20261122);
        String[] actions = {"data.export", "data.export", "data.export", "db.query", "db.write", "db.delete",
            "privilege.escalate", "network.security_group.change", "s3.bucket.delete"};
        String[] environments = {"production", "staging", "development"};
        long[] rows = {10, 4999, 5000, 5001, 7500, 9999, 10000, 10001, 50000, 2000000};
        from = Instant.now().minusSeconds(1);
        int exportsSoFar = 0;
        for (int i = 0; i < REQUESTS; i++) {
            ObjectNode parameters = JsonNodeFactory.instance.objectNode();
            if (random.nextInt(20) != 0) {
                parameters.put("rows", rows[random.nextInt(rows.length)]);
            }
            if (random.nextInt(10) != 0) {
                parameters.put("containsPii", random.nextBoolean());
            }
            String action = actions[random.nextInt(actions.length)];
            String environment = environments[random.nextInt(environments.length)];
            String human = random.nextBoolean() ? "alice" : "carol";
            RequestView view = engine.submit(agent, new ActionSubmission(action, "warehouse.customers", parameters,
                    environment, List.of(human), "replay test " + i), null).toCompletableFuture().get().view();
            PARAMETERS.put(view.id(), parameters);
            ACTIONS.put(view.id(), action);
            VIEWS.put(view.id(), view);
            ENVIRONMENTS.put(view.id(), environment);
            HUMANS.put(view.id(), human);
            if (action.equals("data.export")) {
                EARLIER_EXPORTS.put(view.id(), exportsSoFar++);
            }
        }
        to = Instant.now().plusSeconds(1);
        engine.close();
        file.close();
        runtime.close();

        // the candidate: exports count as large above 5,000 rows instead of 10,000
        candidate = copy(rules(), dir.resolve("candidate"));
        Path exports = candidate.resolve("data-export.drl");
        String drl = Files.readString(exports);
        assertTrue(drl.contains("rows > 10000"));
        Files.writeString(exports, drl.replace("rows > 10000", "rows > 5000"));

        // a second candidate: a new rule that reads the context the policy saw (groups of the human, recent activity)
        burstCandidate = copy(rules(), dir.resolve("burst"));
        Files.writeString(burstCandidate.resolve("finance.drl"), """
                package countersign.rules;
                import io.countersign.policy.model.ActionFact;
                rule "A burst of exports for finance is denied"
                when
                    $a : ActionFact(action == "data.export", onBehalfOfGroups contains "finance", sameActionLastHour >= 20)
                then
                    $a.deny("twenty exports in an hour for finance is a burst");
                end
                """);
    }

    /** The directory as the requests arrived: alice is a data owner, carol is in finance. */
    private static InMemoryDirectory twoPeople() {
        return new InMemoryDirectory(new Reviewer("alice", Set.of("data-owners")),
                new Reviewer("carol", Set.of("finance")));
    }

    /**
     * The default pack's decision on an export, worked out from the table in rules/README.md (not from the engine):
     * ALLOW only outside production for a stated, small (≤ 10,000 rows) export that declares no personal data.
     */
    private static boolean exportAllowedByDefaultPack(String id) {
        ObjectNode parameters = PARAMETERS.get(id);
        return !ENVIRONMENTS.get(id).equals("production") && parameters.has("containsPii")
                && !parameters.path("containsPii").asBoolean() && parameters.has("rows")
                && parameters.path("rows").asLong() <= 10000;
    }

    private static boolean exportDeniedByDefaultPack(String id) {
        ObjectNode parameters = PARAMETERS.get(id);
        return parameters.path("containsPii").asBoolean() && parameters.path("rows").asLong() > 1_000_000;
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".drl")).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    /** Which requests the changed rule touches, worked out from what was submitted, not from the policy. */
    private static Set<String> expectedChanges() {
        Set<String> ids = new TreeSet<>();
        PARAMETERS.forEach((id, parameters) -> {
            long rows = parameters.path("rows").asLong(-1);
            if (ACTIONS.get(id).equals("data.export") && rows > 5000 && rows <= 10000) {
                ids.add(id);
            }
        });
        return ids;
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = PolicyTool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theReplayListsExactlyTheRequestsTheChangedRuleDecidesDifferently() throws Exception {
        JsonNode report = new ObjectMapper().readTree(run("replay", "--candidate", candidate.toString(), "--from",
                from.toString(), "--to", to.toString(), "--journal", journal.toString(), "--json"));

        assertEquals(REQUESTS, report.path("replayed").asInt());
        Set<String> expected = expectedChanges();
        assertTrue(expected.size() > 20, "the journal exercises the change: " + expected.size());
        Map<String, List<String>> changed = new TreeMap<>();
        Map<String, String> candidateDecisions = new TreeMap<>();
        for (JsonNode change : report.path("changes")) {
            List<String> differences = new ArrayList<>();
            change.path("differences").forEach(d -> differences.add(d.asText()));
            changed.put(change.path("request").asText(), differences);
            candidateDecisions.put(change.path("request").asText(), change.path("candidate").asText());
        }
        assertEquals(expected, changed.keySet());
        assertEquals(REQUESTS - expected.size(), report.path("unchanged").asInt());
        assertEquals(expected.size(), report.path("changed").asInt());

        int allowToReview = 0;
        for (String id : expected) {
            if (exportAllowedByDefaultPack(id)) {
                // a small non-personal export outside production: now it is large, so two data owners, 4 hours
                assertEquals(List.of("ALLOW → REVIEW data-owners×2 PT4H"), changed.get(id), id);
                assertEquals("REVIEW data-owners×2, timeout PT4H", candidateDecisions.get(id), id);
                allowToReview++;
            } else {
                // production, personal or undeclared data: one data owner within 2 hours before, two now (the
                // shortest deadline, 2 hours, still wins)
                assertEquals(List.of("quorum data-owners 1 → 2"), changed.get(id), id);
                assertEquals("REVIEW data-owners×2, timeout PT2H", candidateDecisions.get(id), id);
            }
        }
        assertTrue(allowToReview > 0 && allowToReview < expected.size(), "both kinds occur: " + allowToReview);
        JsonNode byKind = report.path("byKind");
        assertEquals(allowToReview, byKind.path("ALLOW → REVIEW").asInt());
        assertEquals(expected.size() - allowToReview, byKind.path("quorum").asInt());
        assertEquals(2, byKind.size(), byKind.toString());
        assertEquals(0, report.path("withoutDecision").size());
    }

    @Test
    void theSameRulesChangeNothingAndTheTableSaysSo() {
        String table = run("replay", "--candidate", rules().toString(), "--from", from.toString(), "--to",
                to.toString(), "--journal", journal.toString());
        assertTrue(table.contains("Replayed " + REQUESTS + " requests"), table);
        assertTrue(table.contains("changed 0, unchanged " + REQUESTS), table);
    }

    @Test
    void onlyTheWindowIsReplayed() {
        String table = run("replay", "--candidate", candidate.toString(), "--from", to.toString(), "--to",
                to.plusSeconds(60).toString(), "--journal", journal.toString());
        assertTrue(table.contains("Replayed 0 requests"), table);
    }

    @Test
    void theTableShowsEachChangeAndASummary() {
        String table = run("replay", "--candidate", candidate.toString(), "--from", from.toString(), "--to",
                to.toString(), "--journal", journal.toString());
        String someChanged = expectedChanges().iterator().next();
        assertTrue(table.contains(someChanged), table);
        assertTrue(table.contains("By kind of change:"), table);
        assertTrue(table.contains("changed " + expectedChanges().size() + ", unchanged "
                + (REQUESTS - expectedChanges().size())), table);
        assertTrue(table.contains("quorum data-owners 1 → 2"), table);
        assertTrue(table.contains("ALLOW → REVIEW data-owners×2 PT4H"), table);
    }

    @Test
    void aRuleOnTheContextIsReplayedWithTheContextOfTheDay() throws Exception {
        JsonNode report = new ObjectMapper().readTree(run("replay", "--candidate", burstCandidate.toString(), "--from",
                from.toString(), "--to", to.toString(), "--journal", journal.toString(), "--json"));
        // carol is in finance; from the 21st export of the agent on, a carol export is a burst. Exports the pack
        // already denies stay denials.
        Map<String, String> expected = new TreeMap<>();
        EARLIER_EXPORTS.forEach((id, earlier) -> {
            if (HUMANS.get(id).equals("carol") && earlier >= 20 && !exportDeniedByDefaultPack(id)) {
                expected.put(id, (exportAllowedByDefaultPack(id) ? "ALLOW" : "REVIEW") + " → DENY");
            }
        });
        assertTrue(expected.size() > 10, "the journal exercises the rule: " + expected.size());
        Map<String, String> changed = new TreeMap<>();
        for (JsonNode change : report.path("changes")) {
            assertEquals(1, change.path("kinds").size(), change.toString());
            changed.put(change.path("request").asText(), change.path("kinds").get(0).asText());
            assertTrue(change.path("candidateRules").toString().contains("A burst of exports for finance is denied"),
                    change.toString());
        }
        assertEquals(expected, changed);
        assertEquals(REQUESTS - expected.size(), report.path("unchanged").asInt());
    }

    @Test
    void theJournalIsOnlyRead() throws Exception {
        Map<String, String> before = fingerprint(journal);
        run("replay", "--candidate", candidate.toString(), "--from", from.toString(), "--to", to.toString(),
                "--journal", journal.toString());
        assertEquals(before, fingerprint(journal));
    }

    private static Map<String, String> fingerprint(Path directory) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(directory.relativize(file).toString(), HexFormat.of().formatHex(MessageDigest.getInstance(
                        "SHA-256").digest(Files.readAllBytes(file))) + " " + Files.getLastModifiedTime(file));
            }
        }
        return files;
    }

    @Test
    void requestsWithoutAPolicyDecisionAreListedApartAndCountersignsOwnAreSkipped() throws Exception {
        Path small = dir.resolve("small-journal");
        FileJournal file = FileJournal.open(small, 1 << 20);
        Instant at = Instant.parse("2026-11-20T09:00:00Z");
        ObjectNode undecided = received("r-undecided", "db.write", "production", at);
        ObjectNode repaired = received("r-repaired", "db.write", "production", at.plusSeconds(1));
        ObjectNode raised = received("r-raised", "countersign.policy.change", "production", at.plusSeconds(2));
        ObjectNode decided = received("r-decided", "db.query", "production", at.plusSeconds(3));
        file.append("request.received", undecided).join();
        file.append("request.received", repaired).join();
        file.append("request.received", raised).join();
        file.append("request.received", decided).join();
        ObjectNode repair = JsonNodeFactory.instance.objectNode().put("request", "r-repaired").put("outcome", "DENY")
                .put("status", "denied").put("policyVersion", "sha256:old");
        repair.putArray("reasons").add("the policy decision was not recorded before a restart; denied (fail closed)");
        repair.putArray("rules");
        file.append("policy.decided", repair).join();
        ObjectNode allowed = JsonNodeFactory.instance.objectNode().put("request", "r-decided").put("outcome", "ALLOW")
                .put("status", "allowed").put("policyVersion", "sha256:old");
        allowed.putArray("reasons").add("fine");
        allowed.putArray("rules").add("Query in production without personal data is allowed");
        file.append("policy.decided", allowed).join();
        file.close();

        JsonNode report = new ObjectMapper().readTree(run("replay", "--candidate", rules().toString(), "--from",
                at.toString(), "--to", at.plusSeconds(60).toString(), "--journal", small.toString(), "--json"));
        assertEquals(1, report.path("replayed").asInt());
        assertEquals(1, report.path("unchanged").asInt(), "an entry without a context is decided with none");
        assertEquals(1, report.path("raisedByCountersign").asInt());
        List<String> without = new ArrayList<>();
        report.path("withoutDecision").forEach(r -> without.add(r.path("request").asText() + ": "
                + r.path("why").asText()));
        assertEquals(List.of("r-undecided: no policy.decided entry", "r-repaired: denied at restart: the policy"
                + " decision was not recorded before a restart; denied (fail closed)"), without);
        String table = run("replay", "--candidate", rules().toString(), "--from", at.toString(), "--to",
                at.plusSeconds(60).toString(), "--journal", small.toString());
        assertTrue(table.contains("Without a recorded policy decision (not replayed):"), table);
        assertTrue(table.contains("r-undecided"), table);
    }

    private static ObjectNode received(String id, String action, String environment, Instant at) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("request", id);
        ObjectNode body = data.putObject("action");
        body.put("action", action).put("resource", "db://orders").put("environment", environment)
                .put("requester", "ops-agent");
        body.putObject("parameters");
        body.putArray("onBehalfOf").add("dave");
        data.put("digest", "sha256:x").put("justification", "ticket").put("receivedAt", at.toString());
        data.putObject("agent").put("id", "ops-agent").putArray("actsFor").add("dave");
        return data;
    }

    @Test
    void badArgumentsAreUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, PolicyTool.run(List.of("replay", "--candidate", candidate.toString(), "--from", "yesterday",
                "--to", to.toString()), sink, sink));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--from must be an ISO-8601 instant"));
        assertEquals(2, PolicyTool.run(List.of("replay", "--candidate", candidate.toString(), "--from",
                to.toString(), "--to", from.toString()), sink, sink));
        assertEquals(2, PolicyTool.run(List.of("replay", "--candidate", candidate.toString(), "--from",
                from.toString(), "--to", to.toString(), "--journal", dir.resolve("none").toString()), sink, sink));
        assertEquals(2, PolicyTool.run(List.of("frobnicate"), sink, sink));
        assertEquals(2, PolicyTool.run(List.of("replay", "--from", from.toString(), "--to", to.toString()), sink,
                sink), "--candidate is required");
    }

    @Test
    void windowsMayBeGivenWithAnOffsetOrAsUtcDays() throws Exception {
        assertEquals(Instant.parse("2026-11-01T00:00:00Z"), ReplayCommand.instant("2026-11-01", "--from"));
        assertEquals(Instant.parse("2026-11-01T09:00:00Z"), ReplayCommand.instant("2026-11-01T10:00:00+01:00",
                "--from"));
        assertEquals(Instant.parse("2026-11-01T10:00:00Z"), ReplayCommand.instant("2026-11-01T10:00:00Z", "--to"));
    }
}
