package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries added, removed, changed or moved in a range bundle (seqs 7 to 21 of the standard log). */
class TamperedEntriesTest {
    @TempDir
    Path dir;

    private final EvidenceFixture fixture = StandardLog.build();
    private final BundleParts range = StandardLog.range(fixture);

    @Test
    void anEntryWithOneByteChanged_breaksTheChainAtTheNextEntry() throws Exception {
        range.editEntry(12, line -> line.replace("\"by\":\"agent-7\"", "\"by\":\"agent-8\""));
        String tampered = hashOf(range.entries.get(range.indexOfSeq(12)));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL chain seq 13: prev is " + hashText(12) + " but entry 12 hashes to " + tampered),
                run.failures());
    }

    @Test
    void aDeletedEntry_leavesAGap() throws Exception {
        range.removeEntry(14);
        range.recount();

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL scope seq 15: the range has a gap: seq 14 is missing"), run.failures());
        assertTrue(run.out().contains("FAIL inclusion seq 13: no inclusion proof for seq 13"), run.failures());
    }

    @Test
    void anInsertedEntry_withTheSeqsAfterItRenumbered_breaksTheChain() throws Exception {
        int at = range.indexOfSeq(11);
        for (int i = range.entries.size() - 1; i >= at; i--) {
            long seq = BundleParts.seqOf(range.entries.get(i));
            range.entries.set(i, range.entries.get(i).replace("\"seq\":" + seq + ",", "\"seq\":" + (seq + 1) + ","));
        }
        String forged = TestCanonicalJson.write(Map.of("seq", 11, "time", fixture.log.entry(10).time().toString(),
                "type", "review.refused", "prev", hashText(10), "data", Map.of("request", "req-a", "reviewer", "mallory",
                        "groups", List.of(), "verdict", "approve", "reason", "not-a-reviewer", "detail", "-")));
        range.entries.add(at, forged);
        range.recount();

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL chain seq 12: prev is " + hashText(10) + " but entry 11 hashes to "
                + hashOf(forged)), run.failures());
    }

    @Test
    void twoEntriesSwapped_areOutOfOrder() throws Exception {
        int first = range.indexOfSeq(14);
        String moved = range.entries.get(first);
        range.entries.set(first, range.entries.get(first + 1));
        range.entries.set(first + 1, moved);

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL entry seq 14: seq 14 follows seq 15"), run.failures());
    }

    @Test
    void aRangeMissingItsTail_isTruncated_evenWithAValidProofForItsNewLastEntry() throws Exception {
        range.removeEntry(21);
        range.removeEntry(20);
        range.removeEntry(19);
        range.inclusion.clear();
        range.inclusion.add(fixture.inclusionProof(18, 22));
        range.recount();

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL scope seq 18: the range bundle is truncated: it ends at seq 18"), run.failures());
        assertTrue(run.out().contains("but the newest checkpoint has size 27"), run.failures());
    }

    @Test
    void aBundleOlderThanTheTrustedCheckpoint_isASizeRegression() throws Exception {
        BundleParts old = fixture.rangeBundle(StandardLog.from(fixture), StandardLog.to(fixture), fixture.checkpoints.get(2));
        Path trusted = Files.writeString(dir.resolve("trusted.note"), fixture.newest().note());

        VerifyRun run = VerifyRun.of(old.write(dir), "--trusted-checkpoint", trusted.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL trusted-checkpoint size 22: size regression: the trusted checkpoint has size 27"
                + " but the bundle's newest checkpoint has size 22"), run.failures());
    }

    @Test
    void aLineWithWhiteSpace_isNotCanonical() throws Exception {
        range.editEntry(9, line -> line.replace("\"seq\":9,", "\"seq\": 9,"));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL entry seq 9 (request req-a): the line is not the entry's canonical bytes"
                + " (RFC 8785): byte "), run.failures());
    }

    @Test
    void aLineThatIsNotCanonical_isStillReadAndChecked() throws Exception {
        range.editEntry(18, line -> line.replace("\"action\":{", "\"action\": {"));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL entry seq 18 (request req-c): the line is not the entry's canonical bytes"
                + " (RFC 8785): byte "), run.failures());
        assertTrue(run.out().contains("FAIL chain seq 19: prev is " + hashText(18)), run.failures());
        assertTrue(!run.out().contains("does not match the RFC 8785 digest"), "the action is re-canonicalised: " + run.failures());
    }

    @Test
    void aLastLineWithoutItsNewline_isReported() throws Exception {
        range.replaced.put(EvidenceBundle.ENTRIES, String.join("\n", range.entries).getBytes(StandardCharsets.UTF_8));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL entry seq 21 (request req-c): the last line does not end with a newline"),
                run.failures());
    }

    @Test
    void aLineThatIsNotJson_isNamedByItsLineNumber() throws Exception {
        range.editEntry(9, line -> line.substring(0, 30));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL entry line 3: not JSON"), run.failures());
    }

    @Test
    void aManifestThatMiscounts_fails() throws Exception {
        range.manifest.put("entries", 14);

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL manifest: it counts 14 entries but entries.jsonl has 15"), run.failures());
    }

    private String hashText(long seq) {
        return Digests.text(fixture.log.entry(seq).hash());
    }

    private static String hashOf(String line) {
        return Digests.text(Digests.sha256().digest(line.getBytes(StandardCharsets.UTF_8)));
    }
}
