package io.countersign.core.internal;

import io.countersign.api.testing.LogCapture;
import static io.countersign.core.internal.EngineFixture.AGENT;
import static io.countersign.core.internal.EngineFixture.person;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionSubmission;
import io.countersign.api.ChannelEvent;
import io.countersign.api.ExecutionOutcome;
import io.countersign.api.ExecutionReport;
import io.countersign.api.GrantResult;
import io.countersign.api.JournalEntry;
import io.countersign.api.ParameterBound;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.StandingApproval;
import io.countersign.api.StandingApprovalSpec;
import io.countersign.api.Verdict;
import io.countersign.api.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A core restarted from a snapshot at S and the journal after it answers exactly as one that read the whole journal,
 * for every kind of request, for several S, and whatever is wrong with its state directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartEquivalenceTest {

    @TempDir
    static Path dir;

    private Path keys;
    private Path history;
    private long size;
    /** Every request id, in the order they were made. */
    private final List<String> ids = new ArrayList<>();
    /** Each idempotency key used, with what was submitted under it. */
    private final Map<String, ActionSubmission> keyed = new LinkedHashMap<>();
    /** What the engine that made the history answered just before it stopped: status and seqs of each request. */
    private final Map<String, String> before = new LinkedHashMap<>();
    private Answers reference;

    @BeforeAll
    void makeHistoryAndReference() throws Exception {
        keys = dir.resolve("keys");
        history = dir.resolve("history");
        try (RestartHarness node = new RestartHarness(history, keys, new MutableClock(RestartHarness.START))) {
            makeHistory(node);
            for (String id : ids) {
                before.put(id, node.engine.find(id).map(v -> v.status().wireName()).orElse("?") + " "
                        + node.engine.journalSeqs(id));
            }
            size = node.journal.size();
        }
        reference = answers(copy("reference", -1), null);
    }

    private static ActionSubmission submission(String action, int rows, String environment) {
        return new ActionSubmission(action, "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", rows), environment, List.of("alice"), "report");
    }

    private static RequestView submit(RestartHarness node, ActionSubmission submission, String key) throws Exception {
        return node.engine.submit(AGENT, submission, key).toCompletableFuture().get().view();
    }

    private void makeHistory(RestartHarness node) throws Exception {
        ApprovalEngine engine = node.engine;
        StandingApproval standing = engine.grantStanding(person("bob", "data-owners"), new StandingApprovalSpec(
                "data-owners", AGENT.id(), List.of("alice"), "data.sync", "staging", null,
                List.of(new ParameterBound("rows", ParameterBound.Operator.LESS_THAN, IntNode.valueOf(1000))),
                Duration.ofHours(4), 6, "nightly sync")).toCompletableFuture().get();
        engine.grantStanding(person("alice", "data-owners"), new StandingApprovalSpec("data-owners", AGENT.id(),
                List.of("bob"), "data.sync", "staging", null, List.of(), Duration.ofHours(1), 3, "revoked soon"))
                .toCompletableFuture().get();
        RequestView lastQuery = null;
        for (int i = 0; i < 120; i++) {
            String key = i % 3 == 0 ? "key-" + i : null;
            ActionSubmission submission = switch (i % 10) {
                case 0, 9 -> submission("db.query", i, "production");
                case 1 -> submission("db.delete", i, "production");
                case 2, 3, 4, 8 -> submission("data.export", i, "production");
                case 5 -> submission("data.sync", 10 + i, "staging");
                case 6 -> new ActionSubmission("iam.role.change", "role/admin",
                        JsonNodeFactory.instance.objectNode().put("rows", i), "production", List.of("alice"),
                        "incident " + i, "the database is down");
                default -> submission("data.expire", i, "production");
            };
            if (key != null) {
                keyed.put(key, submission);
            }
            RequestView view = submit(node, submission, key);
            ids.add(view.id());
            switch (i % 10) {
                case 0 -> {
                    lastQuery = view;
                    if (i % 20 == 0) {
                        consume(node, view, submission);
                    }
                    if (i % 40 == 0) {
                        engine.reportExecution(AGENT, view.id(), new ExecutionReport(ExecutionOutcome.SUCCESS,
                                "sha256:" + "a".repeat(64), 5L, null, null)).toCompletableFuture().get();
                    }
                }
                case 2 -> {
                    review(node, "bob", view.id(), Verdict.APPROVE);
                    if (i % 4 == 2) {
                        // the grant is consumed after the request closed, later in the journal
                        consume(node, engine.find(view.id()).orElseThrow(), submission);
                    }
                }
                case 3 -> review(node, "bob", view.id(), Verdict.DENY);
                case 6 -> {
                    String review = view.breakGlass().reviewRequest();
                    ids.add(review);
                    if (i % 20 == 6) {
                        review(node, "sam", review, Verdict.APPROVE);
                    }
                }
                case 7 -> {
                    node.clock.advance(Duration.ofMinutes(2));
                    // a review after the deadline expires the request (and is itself refused)
                    review(node, "bob", view.id(), Verdict.APPROVE);
                }
                case 8 -> {
                    // other bundles' entries naming requests: a delivery, and a channel event
                    node.journal.append("notification.sent", JsonNodeFactory.instance.objectNode()
                            .put("request", view.id()).put("reviewer", "bob").put("channel", "email")).get();
                    engine.recordChannelEvent(new ChannelEvent("slack", ChannelEvent.Kind.VIEWED, "opened",
                            "the link was opened", ids.get(ids.size() / 2), "bob",
                            JsonNodeFactory.instance.objectNode()))
                            .toCompletableFuture().get();
                }
                case 9 -> {
                    RequestView allowed = engine.find(lastQuery.id()).orElseThrow();
                    engine.consume(AGENT, allowed.grant().token(), submission("db.query", -1, "production"))
                            .toCompletableFuture().get();
                }
                default -> {
                }
            }
            if (i == 60) {
                engine.revokeStanding(person("alice", "data-owners"),
                        engine.standingApprovals().stream().filter(s -> !s.id().equals(standing.id()))
                                .findFirst().orElseThrow().id()).toCompletableFuture().get();
            }
            node.clock.advance(Duration.ofSeconds(7));
        }
    }

    private static void consume(RestartHarness node, RequestView view, ActionSubmission submission)
            throws Exception {
        assertInstanceOf(GrantResult.Done.class, node.engine.consume(AGENT, view.grant().token(), submission)
                .toCompletableFuture().get());
    }

    private static void review(RestartHarness node, String reviewer, String id, Verdict verdict) throws Exception {
        node.engine.review(RestartHarness.DIRECTORY.reviewer(reviewer).orElseThrow(), id, verdict, null)
                .toCompletableFuture().get();
    }

    /** A copy of the history's journal, with an empty state directory, to start a node on. */
    private Path copy(String name, long snapshotAt) throws IOException {
        Path root = dir.resolve(name);
        RestartHarness.copyTree(history.resolve("journal"), root.resolve("journal"));
        if (snapshotAt >= 0) {
            RestartHarness.snapshotAt(root.resolve("journal"), root.resolve("core"), snapshotAt);
        }
        return root;
    }

    /** Everything a restarted node answers, then what it answers to new submissions (which it journals). */
    record Answers(Map<String, Optional<RequestView>> views, Map<String, List<Long>> seqs,
                   Map<String, List<Long>> mentions, List<String> pending, List<StandingApproval> standing,
                   List<String> resubmissions, List<String> contexts) {
    }

    private Answers answers(Path root, Long expectedRestoredFrom) throws Exception {
        return answers(root, expectedRestoredFrom, ProjectionStore.Options.in(root.resolve("core")));
    }

    private Answers answers(Path root, Long expectedRestoredFrom, ProjectionStore.Options storage)
            throws Exception {
        try (RestartHarness node = new RestartHarness(root, keys, new MutableClock(RestartHarness.START
                .plus(Duration.ofHours(1))), storage)) {
            ApprovalEngine engine = node.engine;
            if (expectedRestoredFrom != null) {
                assertEquals(expectedRestoredFrom, engine.restoredFrom(), "where the start began reading");
            }
            assertEquals(size, node.journal.size(), "starting repaired nothing");
            Map<String, Optional<RequestView>> views = new LinkedHashMap<>();
            Map<String, List<Long>> seqs = new LinkedHashMap<>();
            Map<String, List<Long>> mentions = new LinkedHashMap<>();
            for (String id : ids) {
                views.put(id, engine.find(id));
                seqs.put(id, engine.journalSeqs(id));
                mentions.put(id, engine.mentions(id));
            }
            List<String> pending = engine.pending().stream().map(RequestView::id).toList();
            List<StandingApproval> standing = engine.standingApprovals();
            List<String> resubmissions = new ArrayList<>();
            for (Map.Entry<String, ActionSubmission> each : keyed.entrySet()) {
                var again = engine.submit(AGENT, each.getValue(), each.getKey()).toCompletableFuture().get();
                resubmissions.add(each.getKey() + " -> " + again.view().id() + " replayed=" + again.replayed());
                try {
                    engine.submit(AGENT, submission("db.query", 123_456, "staging"), each.getKey())
                            .toCompletableFuture().get();
                    resubmissions.add(each.getKey() + " accepted for a different action");
                } catch (ExecutionException e) {
                    resubmissions.add(each.getKey() + " " + assertInstanceOf(RequestRejectedException.class,
                            e.getCause()).reason());
                }
            }
            node.contexts.clear();
            for (String action : List.of("db.query", "data.export", "data.sync", "db.delete")) {
                RequestView probe = submit(node, submission(action, 5, "staging"), null);
                node.contexts.add(action + " " + probe.status().wireName() + " " + probe.votes().size());
            }
            return new Answers(views, seqs, mentions, pending, standing, resubmissions, List.copyOf(node.contexts));
        }
    }

    @Test
    void theReferenceAnswersAsTheEngineThatMadeTheHistory() throws Exception {
        for (String id : ids) {
            assertEquals(before.get(id), reference.views().get(id).map(v -> v.status().wireName()).orElse("?") + " "
                    + reference.seqs().get(id), id);
        }
        assertTrue(reference.pending().size() > 20, "open requests: " + reference.pending().size());
        assertTrue(reference.resubmissions().stream().allMatch(r -> r.contains("replayed=true")
                || r.endsWith("IDEMPOTENCY_KEY_REUSED")), reference.resubmissions().toString());
        for (String id : ids) {
            // the mentions, from the journal itself
            List<Long> mentioned = new ArrayList<>();
            for (JournalEntry entry : readAll()) {
                if (id.equals(entry.data().path("request").asText()) && !EntryTypes.isOwn(entry.type())) {
                    mentioned.add(entry.seq());
                }
            }
            assertEquals(mentioned, reference.mentions().get(id), id);
        }
        assertTrue(reference.mentions().values().stream().mapToInt(List::size).sum() >= 20);
        assertEquals(2, reference.standing().size());
        assertTrue(reference.standing().stream().anyMatch(s -> s.revokedAt() != null));
        assertTrue(reference.standing().stream().anyMatch(s -> s.uses() > 0));
    }

    private List<JournalEntry> readAll() throws IOException {
        try (var journal = io.countersign.journal.internal.FileJournal.open(history.resolve("journal"), 1 << 20)) {
            return journal.read(0, (int) size);
        }
    }

    @Test
    void aStartFromASnapshotAndTheTailAnswersAsAStartFromTheFirstEntry() throws Exception {
        for (long cut : new long[] {0, 1, size / 4, size / 2, size - 7, size}) {
            Answers restarted = answers(copy("cut-" + cut, cut), cut);
            assertEquals(reference, restarted, "snapshot at " + cut + " of " + size);
        }
    }

    @Test
    void aSmallMemtableFlushedManyTimesAnswersTheSame() throws Exception {
        Path root = copy("small-memtable", -1);
        ProjectionStore.Options small = new ProjectionStore.Options(root.resolve("core"), false, 50, 60_000,
                new RequestIndex.Options(40, 4, false));
        assertEquals(reference, answers(root, 0L, small));
        // and again from the snapshots it wrote every 50 entries (the last at its close)
        try (RestartHarness node = new RestartHarness(root, keys, new MutableClock(RestartHarness.START), small)) {
            assertEquals(node.journal.size(), node.engine.restoredFrom());
            for (String id : ids) {
                assertEquals(reference.views().get(id), node.engine.find(id), id);
            }
        }
    }

    @Test
    void aSnapshotThatDoesNotMatchIsIgnoredAndRewritten() throws Exception {
        long newer = size - 5;
        long older = size / 3;
        // deleted: nothing to use
        assertRestartsFromAndRewrites(copy("deleted", -1), 0);
        // truncated, or a byte flipped: the older one is used
        for (String damage : List.of("truncated", "flipped")) {
            Path root = copy(damage, older);
            RestartHarness.snapshotAt(root.resolve("journal"), root.resolve("core"), newer);
            Path file = CoreSnapshot.fileFor(root.resolve("core"), newer);
            byte[] bytes = Files.readAllBytes(file);
            if (damage.equals("truncated")) {
                Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 9));
            } else {
                bytes[bytes.length / 2] ^= 0x10;
                Files.write(file, bytes);
            }
            assertRestartsFromAndRewrites(root, older);
        }
        // an older snapshot under the newer one's name
        Path swapped = copy("swapped", older);
        Files.move(CoreSnapshot.fileFor(swapped.resolve("core"), older),
                CoreSnapshot.fileFor(swapped.resolve("core"), newer));
        assertRestartsFromAndRewrites(swapped, 0);
        // another journal's snapshot: same size, other entries
        Path other = dir.resolve("other-node");
        try (RestartHarness node = new RestartHarness(other, keys, new MutableClock(RestartHarness.START))) {
            for (int i = 0; i < 10; i++) {
                submit(node, submission("db.query", i, "staging"), null);
            }
        }
        Path foreign = copy("foreign", -1);
        Path otherSnapshot = CoreSnapshot.newestFirst(other.resolve("core")).get(0);
        Files.createDirectories(foreign.resolve("core"));
        Files.copy(otherSnapshot, foreign.resolve("core").resolve(otherSnapshot.getFileName()));
        RestartHarness.copyTree(other.resolve("core").resolve("index"), foreign.resolve("core").resolve("index"));
        assertRestartsFromAndRewrites(foreign, 0);
    }

    private void assertRestartsFromAndRewrites(Path root, long expectedFrom) throws Exception {
        try (LogCapture log = new LogCapture()) {
            assertEquals(reference, answers(root, expectedFrom), root.getFileName().toString());
            boolean damaged = !root.getFileName().toString().equals("deleted");
            assertEquals(damaged, log.warned("not using the core snapshot"), root.getFileName().toString());
        }
        List<Path> snapshots = CoreSnapshot.newestFirst(root.resolve("core"));
        assertFalse(snapshots.isEmpty());
        // the one written at the end of that start (and at its close) is read back whole
        CoreSnapshot newest = CoreSnapshot.read(snapshots.get(0));
        assertTrue(newest.size() > size, "rewritten at " + newest.size());
    }

    @Test
    void aDamagedIndexBlockFoundLaterIsAnsweredFromTheJournal() throws Exception {
        Path root = copy("damaged-block", size);
        Path index = root.resolve("core").resolve("index");
        List<Path> runs;
        try (var files = Files.list(index)) {
            runs = files.filter(f -> f.getFileName().toString().startsWith("run-")).toList();
        }
        assertEquals(1, runs.size(), runs.toString());
        // a record's key in the first block: the footer still checks, so the run is used until the block is read
        byte[] bytes = Files.readAllBytes(runs.get(0));
        bytes[40] ^= 0x01;
        Files.write(runs.get(0), bytes);
        try (LogCapture log = new LogCapture()) {
            assertEquals(reference, answers(root, size));
            assertTrue(log.warned("reading the journal instead"));
        }
    }

    @Test
    void aCrashBetweenTheIndexFlushAndTheSnapshotLosesNothing() throws Exception {
        long older = size / 2;
        Path root = copy("crash", older);
        // the index flushed up to a later point, whose snapshot was never written
        try (var journal = io.countersign.journal.internal.FileJournal.open(root.resolve("journal"), 1 << 20);
             RequestIndex index = RequestIndex.open(root.resolve("core").resolve("index"), journal, older)) {
            assertEquals(older, index.indexedTo());
            ShadowProjection restored = ShadowProjection.restore(CoreSnapshot.read(
                    CoreSnapshot.fileFor(root.resolve("core"), older)), index, journal);
            journal.replay(older, entry -> {
                if (entry.seq() < size - 3) {
                    restored.apply(entry);
                }
            });
            index.flush();
            assertTrue(index.runs().size() >= 2, index.runs().toString());
        }
        assertEquals(reference, answers(root, older));
    }
}
