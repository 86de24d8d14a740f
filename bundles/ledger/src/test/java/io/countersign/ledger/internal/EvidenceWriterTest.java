package io.countersign.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.Checkpoint;
import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles written from a real approval flow, each checked by the regulator's verifier jar as a separate process. */
class EvidenceWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LedgerFixture fixture;
    private Checkpointer checkpointer;
    private ApprovalFlow flow;
    private EvidenceWriter writer;

    @BeforeEach
    void start() throws IOException {
        fixture = new LedgerFixture(dir);
        checkpointer = Checkpointer.open(fixture.journal, fixture.keys, dir.resolve("ledger"), Duration.ofHours(1),
                1_000_000);
        flow = new ApprovalFlow(fixture);
        writer = new EvidenceWriter(fixture.journal, fixture.journal, checkpointer, fixture.keys, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws IOException {
        checkpointer.close();
        fixture.close();
    }

    private Path bundle(String name, BundlePlan plan) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            writer.write(plan, out);
        }
        return file;
    }

    private Path requestBundle(String id) throws Exception {
        return bundle("request.zip", writer.planRequest(id, flow.engine.journalSeqs(id), null));
    }

    @Test
    void aRequestBundleHoldsTheWholeChainAndVerifies() throws Exception {
        flow.allowedQueries(3);
        String id = flow.approvedAndExecuted();
        flow.allowedQueries(3);
        Path file = requestBundle(id);

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
        Verifier.Outcome verified = Verifier.run(file);
        assertEquals(0, verified.exitCode(), verified.output());
    }

    @Test
    void aRangeBundleHasItsBoundaryEntriesAndVerifiesAgainstAnEarlierCheckpoint() throws Exception {
        flow.allowedQueries(5);
        Checkpoint trusted = checkpointer.signNow();
        Path trustedNote = Files.writeString(dir.resolve("trusted.txt"), trusted.note());
        Instant from = Instant.now();
        Thread.sleep(5);
        flow.approvedAndExecuted();
        flow.allowedQueries(5);
        Instant to = Instant.now();
        Thread.sleep(5);
        flow.allowedQueries(2);

        Run range = writer.rangeRun(from, to, fixture.journal.size()).orElseThrow();
        assertTrue(fixture.journal.read(range.first(), 1).get(0).time().isBefore(from), "a boundary entry before");
        assertTrue(fixture.journal.read(range.last(), 1).get(0).time().isAfter(to), "a boundary entry after");
        assertTrue(fixture.journal.read(range.first() + 1, 1).get(0).time().compareTo(from) >= 0);

        Path file = bundle("range.zip", writer.planRange(from, to, trusted.size()));
        Path keys = Files.write(dir.resolve("keys.json"), JSON.writeValueAsBytes(
                io.countersign.api.json.KeyListing.toJson(fixture.keys.origin(), fixture.keys.keys())));
        Verifier.Outcome verified = Verifier.run(file, "--trusted-checkpoint", trustedNote.toString(), "--keys",
                keys.toString());
        assertEquals(0, verified.exitCode(), verified.output());
    }

    @Test
    void aRangeOfMoreEntriesThanOneJournalReadIsStreamedInTwoPassesAndVerifies() throws Exception {
        Instant from = Instant.now();
        flow.allowedQueries(2_000);
        BundlePlan plan = writer.planRange(from, Instant.now(), null);
        assertTrue(plan.entries() > 4096, plan.entries() + " entries");

        Path file = bundle("range.zip", plan);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entries = zip.getEntry("entries.jsonl");
            assertEquals(ZipEntry.STORED, entries.getMethod());
            assertEquals(plan.entries(), new String(zip.getInputStream(entries).readAllBytes(),
                    StandardCharsets.UTF_8).lines().count());
        }
        Verifier.Outcome verified = Verifier.run(file);
        assertEquals(0, verified.exitCode(), verified.output());
    }

    @Test
    void aRangeEndingBeforeItStartsOrATrustedSizeBeyondTheLogIsRefusedBeforeWriting() throws Exception {
        Instant now = Instant.now();
        InvalidExportException backwards = assertThrows(InvalidExportException.class,
                () -> writer.planRange(now, now.minusSeconds(1), null));
        assertTrue(backwards.getMessage().contains("is before 'from'"), backwards.getMessage());
        long size = checkpointer.signNow().size();
        InvalidExportException beyond = assertThrows(InvalidExportException.class,
                () -> writer.planRange(now.minusSeconds(60), now, size + 1));
        assertTrue(beyond.getMessage().contains("beyond the newest checkpoint"), beyond.getMessage());
    }

    @Test
    void aBundleEditedAfterExportFailsVerification() throws Exception {
        String id = flow.approvedAndExecuted();
        Path file = requestBundle(id);
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
        Verifier.Outcome verified = Verifier.run(edited);
        assertEquals(1, verified.exitCode(), verified.output());
        assertTrue(verified.output().contains("FAIL"), verified.output());
    }
}
