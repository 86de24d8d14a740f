package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidBundleTest {
    @TempDir
    Path dir;

    private final EvidenceFixture fixture = StandardLog.build();

    @Test
    void requestBundle_verifies_andShowsTheChain() throws Exception {
        VerifyRun run = VerifyRun.of(fixture.requestBundle(StandardLog.REVIEWED).write(dir));

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("scope:        request req-a"), run.out());
        assertTrue(run.out().contains("proves:       each entry is in the signed log, not that the request has no other"
                + " entries"), run.out());
        assertTrue(run.out().contains("req-a: request.received → policy.decided(REVIEW) → review.accepted → review.accepted"
                + " → request.approved → grant.issued → grant.consumed → execution.reported"), run.out());
        assertTrue(run.out().contains("runs:         6"), run.out());
        assertTrue(run.out().contains("grants:       1 checked"), run.out());
        assertTrue(run.out().contains("WARN keys were not pinned"), run.out());
        assertTrue(run.out().endsWith("VERIFIED\n"), run.out());
    }

    @Test
    void allowedRequestBundle_verifies() throws Exception {
        VerifyRun run = VerifyRun.of(fixture.requestBundle(StandardLog.ALLOWED).write(dir));

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("req-b: request.received → policy.decided(ALLOW) → grant.issued → grant.consumed"
                + " → execution.reported"), run.out());
    }

    @Test
    void rangeBundle_verifies_withPinnedKeysAndAnOlderTrustedCheckpoint() throws Exception {
        BundleParts parts = StandardLog.range(fixture);
        long trustedSize = fixture.checkpoints.get(0).size();
        parts.consistency.add(fixture.consistencyProof(trustedSize, fixture.newest().size()));
        Path keys = Files.writeString(dir.resolve("keys.json"), new ObjectMapper().writeValueAsString(fixture.keysJson(fixture.key)));
        Path trusted = Files.writeString(dir.resolve("trusted.json"),
                new ObjectMapper().writeValueAsString(Map.of("note", fixture.checkpoints.get(0).note(), "size", trustedSize)));

        VerifyRun run = VerifyRun.of(parts.write(dir), "--keys", keys.toString(), "--trusted-checkpoint", trusted.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("entries:      15 (seq 7 to 21)"), run.out());
        assertTrue(run.out().contains("runs:         1: seqs 7–21"), run.out());
        assertTrue(run.out().contains("trusted:      checkpoint of size 5"), run.out());
        assertTrue(run.out().contains("requests:     3 (1 with a complete chain, 2 partial: req-a, req-b)"), run.out());
        assertTrue(!run.out().contains("WARN"), run.out());
    }

    @Test
    void rangeBundle_ofTheWholeLog_verifies_withTheNewestAsTrustedCheckpoint() throws Exception {
        BundleParts parts = fixture.rangeBundle(fixture.log.entry(0).time(), fixture.newest().time());
        Path trusted = Files.writeString(dir.resolve("trusted.note"), fixture.newest().note());

        VerifyRun run = VerifyRun.of(parts.write(dir), "--trusted-checkpoint", trusted.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("runs:         1: seqs 0–26"), run.out());
    }

    @Test
    void jsonReport_saysOk_andSummarises() throws Exception {
        VerifyRun run = VerifyRun.of(fixture.requestBundle(StandardLog.REVIEWED).write(dir), "--json");

        assertEquals(0, run.exitCode(), run.toString());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertTrue(report.get("ok").booleanValue(), run.out());
        assertEquals(0, report.get("failures").size());
        assertEquals(8, report.get("summary").get("entries").intValue());
        assertEquals(8, report.get("summary").get("chains").get("req-a").size());
    }
}
