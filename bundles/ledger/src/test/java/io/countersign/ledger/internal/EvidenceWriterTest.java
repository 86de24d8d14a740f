package io.countersign.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionRequest;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.Checkpoint;
import io.countersign.api.Decision;
import io.countersign.api.ExecutionOutcome;
import io.countersign.api.ExecutionReport;
import io.countersign.api.GroupQuorum;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyEngine;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.core.internal.ApprovalEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles written from a real approval flow, each checked by the regulator's verifier jar as a separate process. */
class EvidenceWriterTest {

    private static final Agent AGENT = new Agent("etl-agent", List.of("alice"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LedgerFixture fixture;
    private Checkpointer checkpointer;
    private ApprovalEngine engine;
    private EvidenceWriter writer;

    @BeforeEach
    void start() throws IOException {
        fixture = new LedgerFixture(dir);
        checkpointer = Checkpointer.open(fixture.journal, fixture.keys, dir.resolve("ledger"), Duration.ofHours(1),
                1_000_000);
        PolicyEngine policy = new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent) {
                return request.action().action().equals("data.export")
                        ? new Decision(Outcome.REVIEW, List.of("exports need two owners"), List.of("export rule"),
                                "sha256:test", new ReviewRoute(List.of(new GroupQuorum("data-owners", 2)),
                                Duration.ofHours(1), 1))
                        : new Decision(Outcome.ALLOW, List.of("reads are fine"), List.of("read rule"), "sha256:test",
                                null);
            }

            @Override
            public String version() {
                return "sha256:test";
            }
        };
        engine = new ApprovalEngine(fixture.journal, policy, fixture.keys, new ApprovalEngine.Config() {
            @Override
            public long grantTtlSeconds() {
                return 900;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ApprovalEngine.Config.class;
            }
        });
        writer = new EvidenceWriter(fixture.journal, fixture.journal, checkpointer, fixture.keys, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws IOException {
        checkpointer.close();
        fixture.close();
    }

    private static ActionSubmission submission(String action) {
        return new ActionSubmission(action, "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", 50_000), "production", List.of("alice"), "report");
    }

    /** An export approved by two owners, consumed and reported; its id. */
    private String approvedAndExecuted() throws Exception {
        ActionSubmission export = submission("data.export");
        String id = engine.submit(AGENT, export, null).toCompletableFuture().get().view().id();
        for (String reviewer : List.of("bob", "carol")) {
            engine.review(new Reviewer(reviewer, Set.of("data-owners")), id, Verdict.APPROVE, "ok")
                    .toCompletableFuture().get();
        }
        RequestView approved = engine.find(id).orElseThrow();
        engine.consume(AGENT, approved.grant().token(), export).toCompletableFuture().get();
        engine.reportExecution(AGENT, id, new ExecutionReport(ExecutionOutcome.SUCCESS, null, 50_000L, null, null))
                .toCompletableFuture().get();
        return id;
    }

    private void allowedQueries(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            engine.submit(AGENT, submission("db.query"), null).toCompletableFuture().get();
        }
    }

    private Path bundle(String name, ThrowingWriter write) throws Exception {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            write.to(out);
        }
        return file;
    }

    private interface ThrowingWriter {
        void to(OutputStream out) throws Exception;
    }

    record Verified(int exitCode, String output) {
    }

    private static Verified verify(Path bundle, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", System.getProperty("countersign.verify.jar"), bundle.toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Verified(process.exitValue(), output);
    }

    @Test
    void aRequestBundleHoldsTheWholeChainAndVerifies() throws Exception {
        allowedQueries(3);
        String id = approvedAndExecuted();
        allowedQueries(3);
        Path file = bundle("request.zip", out -> writer.writeRequest(id, engine.journalSeqs(id), null, out));

        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(List.of("manifest.json", "entries.jsonl", "checkpoints.json", "proofs.json", "keys.json"),
                    zip.stream().map(ZipEntry::getName).toList());
            assertEquals(ZipEntry.STORED, zip.getEntry("entries.jsonl").getMethod());
            JsonNode manifest = JSON.readTree(zip.getInputStream(zip.getEntry("manifest.json")));
            assertEquals("countersign-evidence/1", manifest.path("format").asText());
            assertEquals(id, manifest.path("scope").path("request").asText());
            List<String> types = new ArrayList<>();
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String line : new String(zip.getInputStream(zip.getEntry("entries.jsonl")).readAllBytes(),
                    StandardCharsets.UTF_8).split("\n")) {
                JsonNode entry = JSON.readTree(line);
                types.add(entry.path("type").asText());
                JournalEntry stored = fixture.journal.read(entry.path("seq").asLong(), 1).get(0);
                assertEquals(stored.hash(), "sha256:" + HexFormat.of().formatHex(
                        sha256.digest(line.getBytes(StandardCharsets.UTF_8))), "lines are the canonical bytes");
            }
            assertEquals(List.of("request.received", "policy.decided", "review.accepted", "review.accepted",
                    "request.approved", "grant.issued", "grant.consumed", "execution.reported"), types);
        }
        Verified verified = verify(file);
        assertEquals(0, verified.exitCode(), verified.output());
    }

    @Test
    void aRangeBundleHasItsBoundaryEntriesAndVerifiesAgainstAnEarlierCheckpoint() throws Exception {
        allowedQueries(5);
        Checkpoint trusted = checkpointer.signNow();
        Path trustedNote = Files.writeString(dir.resolve("trusted.txt"), trusted.note());
        Instant from = Instant.now();
        Thread.sleep(5);
        approvedAndExecuted();
        allowedQueries(5);
        Instant to = Instant.now();
        Thread.sleep(5);
        allowedQueries(2);

        EvidenceWriter.Range range = writer.range(from, to, fixture.journal.size());
        assertTrue(fixture.journal.read(range.first(), 1).get(0).time().isBefore(from), "a boundary entry before");
        assertTrue(fixture.journal.read(range.last(), 1).get(0).time().isAfter(to), "a boundary entry after");
        assertTrue(fixture.journal.read(range.first() + 1, 1).get(0).time().compareTo(from) >= 0);

        Path file = bundle("range.zip", out -> writer.writeRange(from, to, trusted.size(), out));
        Path keys = Files.write(dir.resolve("keys.json"), JSON.writeValueAsBytes(
                io.countersign.api.json.KeyListing.toJson(fixture.keys.origin(), fixture.keys.keys())));
        Verified verified = verify(file, "--trusted-checkpoint", trustedNote.toString(), "--keys", keys.toString());
        assertEquals(0, verified.exitCode(), verified.output());
    }

    @Test
    void aBundleEditedAfterExportFailsVerification() throws Exception {
        String id = approvedAndExecuted();
        Path file = bundle("request.zip", out -> writer.writeRequest(id, engine.journalSeqs(id), null, out));
        Map<String, byte[]> members = new HashMap<>();
        List<String> order = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                order.add(entry.getName());
                members.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
            }
        }
        String entries = new String(members.get("entries.jsonl"), StandardCharsets.UTF_8);
        members.put("entries.jsonl", entries.replace("\"rows\":50000", "\"rows\":50001")
                .getBytes(StandardCharsets.UTF_8));
        Path edited = dir.resolve("edited.zip");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(edited))) {
            for (String name : order) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(members.get(name));
                zip.closeEntry();
            }
        }
        Verified verified = verify(edited);
        assertEquals(1, verified.exitCode(), verified.output());
        assertTrue(verified.output().contains("FAIL"), verified.output());
    }
}
