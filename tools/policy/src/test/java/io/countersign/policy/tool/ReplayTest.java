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
import io.countersign.api.Decision;
import io.countersign.api.PolicyContext;
import io.countersign.api.PolicyEngine;
import io.countersign.api.RequestView;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
                null, ApprovalEngine.defaultConfig());
        Agent agent = new Agent("analytics-agent", List.of("alice"));
        Random random = new Random(20261122);
        String[] actions = {"data.export", "data.export", "data.export", "db.query", "db.write", "db.delete",
            "privilege.escalate", "network.security_group.change", "s3.bucket.delete"};
        String[] environments = {"production", "staging", "development"};
        long[] rows = {10, 4999, 5000, 5001, 7500, 9999, 10000, 10001, 50000, 2000000};
        from = Instant.now().minusSeconds(1);
        for (int i = 0; i < 300; i++) {
            ObjectNode parameters = JsonNodeFactory.instance.objectNode();
            parameters.put("rows", rows[random.nextInt(rows.length)]);
            parameters.put("containsPii", random.nextBoolean());
            String action = actions[random.nextInt(actions.length)];
            RequestView view = engine.submit(agent, new ActionSubmission(action, "warehouse.customers", parameters,
                    environments[random.nextInt(environments.length)], List.of("alice"), "replay test " + i), null)
                    .toCompletableFuture().get().view();
            PARAMETERS.put(view.id(), parameters);
            ACTIONS.put(view.id(), action);
            VIEWS.put(view.id(), view);
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
            long rows = parameters.path("rows").asLong();
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

        assertEquals(300, report.path("replayed").asInt());
        Set<String> expected = expectedChanges();
        assertTrue(expected.size() > 20, "the journal exercises the change: " + expected.size());
        Set<String> changed = new TreeSet<>();
        report.path("changes").forEach(change -> changed.add(change.path("request").asText()));
        assertEquals(expected, changed);
        assertEquals(300 - expected.size(), report.path("unchanged").asInt());

        for (JsonNode change : report.path("changes")) {
            RequestView recorded = VIEWS.get(change.path("request").asText());
            List<String> differences = new ArrayList<>();
            change.path("differences").forEach(d -> differences.add(d.asText()));
            switch (recorded.decision().outcome()) {
                case ALLOW -> {
                    // a small non-personal export outside production: now it needs two data owners
                    assertEquals(List.of("ALLOW → REVIEW"), differences);
                    assertEquals("REVIEW data-owners×2, timeout PT4H", change.path("candidate").asText());
                }
                case REVIEW -> {
                    assertEquals("quorum data-owners 1 → 2", differences.get(0), differences.toString());
                    int recordedApprovals = recorded.decision().route().quorums().get(0).approvals();
                    assertEquals(1, recordedApprovals);
                }
                case DENY -> throw new AssertionError("a denial cannot change with this rule: " + change);
            }
        }
        assertEquals(expected.size(), report.path("byKind").path("quorum").asInt(0)
                + report.path("byKind").path("ALLOW → REVIEW").asInt(0));
    }

    @Test
    void theSameRulesChangeNothingAndTheTableSaysSo() {
        String table = run("replay", "--candidate", rules().toString(), "--from", from.toString(), "--to",
                to.toString(), "--journal", journal.toString());
        assertTrue(table.contains("Replayed 300 requests"), table);
        assertTrue(table.contains("changed 0, unchanged 300"), table);
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
                + (300 - expectedChanges().size())), table);
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
    }
}
