package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --fabric (evidence-format §9.5) against segment records built from the fixture's own log, as the chaincode stores them. */
class FabricAnchorsTest {

    @TempDir
    Path dir;

    private final EvidenceFixture fixture = StandardLog.build();
    private final Map<String, Integer> validationCodes = new HashMap<>();
    private final List<Map<String, Object>> segments = new ArrayList<>();

    /** A Fabric that anchored the fixture's log in one segment per checkpoint, transaction "tx-<to>". */
    private void anchorEveryCheckpoint() {
        long from = 0;
        for (EvidenceFixture.TestCheckpoint checkpoint : fixture.checkpoints) {
            if (checkpoint.size() > from) {
                segments.add(segment(from, checkpoint.size(), checkpoint.note(), checkpoint.root()));
                from = checkpoint.size();
            }
        }
    }

    private Map<String, Object> segment(long from, long to, String note, byte[] root) {
        ByteArrayOutputStream hashes = new ByteArrayOutputStream();
        fixture.log.entries().subList((int) from, (int) to).forEach(entry -> hashes.writeBytes(entry.hash()));
        Map<String, Object> segment = new LinkedHashMap<>();
        segment.put("origin", EvidenceFixture.ORIGIN);
        segment.put("from", from);
        segment.put("to", to);
        segment.put("entryHashes", Base64.getEncoder().encodeToString(hashes.toByteArray()));
        segment.put("checkpoint", note);
        segment.put("root", Base64.getEncoder().encodeToString(root));
        segment.put("txId", "tx-" + to);
        return segment;
    }

    private Map<String, Object> segmentHolding(long seq) {
        return segments.stream().filter(segment -> seq >= (long) segment.get("from") && seq < (long) segment.get("to"))
                .findFirst().orElseThrow();
    }

    private FabricLedger ledger() {
        return new FabricLedger() {
            @Override
            public String segmentOf(String origin, long seq) {
                for (Map<String, Object> segment : segments) {
                    if (origin.equals(segment.get("origin")) && seq >= (long) segment.get("from")
                            && seq < (long) segment.get("to")) {
                        try {
                            return new ObjectMapper().writeValueAsString(segment);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
                return null;
            }

            @Override
            public int validationCode(String txId) {
                return validationCodes.getOrDefault(txId, 0);
            }

            @Override
            public long blockOf(String txId) {
                return Long.parseLong(txId.substring(3)) + 100;
            }

            @Override
            public void close() {
            }
        };
    }

    private Report verify(BundleParts parts) throws Exception {
        Path bundle = parts.write(dir);
        Arguments arguments = Arguments.parse(bundle.toString(), "--fabric", dir.resolve("connection.json").toString());
        return new BundleVerifier(arguments, 1, connection -> ledger()).verify();
    }

    private static String failures(Report report) {
        return report.failures().stream().map(Failure::describe).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void everyEntryAnchored_verifies_andNamesTheTransactionsOfEachRequest() throws Exception {
        anchorEveryCheckpoint();
        Report report = verify(StandardLog.range(fixture));
        assertTrue(report.ok(), failures(report));
        assertEquals(report.fabric().entries(), report.fabric().anchoredEntries());
        assertFalse(report.fabric().transactions().isEmpty());
        FabricChecks.Transaction first = report.fabric().transactions().get(0);
        assertEquals(Long.parseLong(first.txId().substring(3)) + 100, first.block());
        assertTrue(report.fabric().transactionsByRequest().containsKey(StandardLog.REVIEWED),
                report.fabric().transactionsByRequest().toString());
    }

    @Test
    void anEntryWhoseAnchoredHashDiffers_failsAtItsSeq() throws Exception {
        anchorEveryCheckpoint();
        Map<String, Object> segment = segmentHolding(StandardLog.RANGE_LAST);
        byte[] hashes = Base64.getDecoder().decode((String) segment.get("entryHashes"));
        hashes[0] ^= 1;
        segment.put("entryHashes", Base64.getEncoder().encodeToString(hashes));
        long seq = (long) segment.get("from");

        Report report = verify(StandardLog.range(fixture));
        assertFalse(report.ok());
        assertTrue(failures(report).contains("seq " + seq) && failures(report).contains("anchored hash differs"),
                failures(report));
    }

    @Test
    void anEntryBeyondWhatFabricAnchored_isNotAnchored() throws Exception {
        anchorEveryCheckpoint();
        Map<String, Object> last = segmentHolding(StandardLog.RANGE_LAST);
        segments.subList(segments.indexOf(last), segments.size()).clear();
        Report report = verify(StandardLog.range(fixture));
        assertFalse(report.ok());
        assertTrue(failures(report).contains("seq " + Math.max(StandardLog.RANGE_FIRST, (long) last.get("from"))) && failures(report)
                .contains("not anchored on Fabric"), failures(report));
    }

    @Test
    void aSegmentWhoseCheckpointIsForged_isRejected() throws Exception {
        anchorEveryCheckpoint();
        Map<String, Object> segment = segmentHolding(StandardLog.RANGE_LAST);
        String note = (String) segment.get("checkpoint");
        segment.put("checkpoint", note.replaceFirst("\ntime ([^\n]*)\n", "\ntime 2020-01-01T00:00:00Z\n"));
        Report report = verify(StandardLog.range(fixture));
        assertFalse(report.ok());
        assertTrue(failures(report).contains("does not verify"), failures(report));
    }

    @Test
    void aSegmentRootOtherThanItsCheckpoints_isRejected() throws Exception {
        anchorEveryCheckpoint();
        segmentHolding(StandardLog.RANGE_LAST).put("root", Base64.getEncoder().encodeToString(new byte[32]));
        Report report = verify(StandardLog.range(fixture));
        assertFalse(report.ok());
        assertTrue(failures(report).contains("with root 0000"), failures(report));
    }

    @Test
    void aForkedViewBetweenTheBundleAndFabric_isRejected() throws Exception {
        anchorEveryCheckpoint();
        Map<String, Object> last = segmentHolding(StandardLog.RANGE_LAST);
        segments.remove(last);
        long from = (long) last.get("from");
        long to = (long) last.get("to");
        byte[] otherRoot = new byte[32];
        otherRoot[0] = 7;
        segments.add(segment(from, to, EvidenceFixture.note(EvidenceFixture.ORIGIN, to, otherRoot,
                fixture.newest().time(), fixture.key), otherRoot));
        assertTrue(fixture.checkpoints.stream().anyMatch(checkpoint -> checkpoint.size() == to),
                "the bundle holds a checkpoint of the segment's size");
        Report report = verify(StandardLog.range(fixture));
        assertFalse(report.ok());
        assertTrue(failures(report).contains("forked view"), failures(report));
    }

    @Test
    void aTransactionNotCommittedAsValid_isRejected() throws Exception {
        anchorEveryCheckpoint();
        validationCodes.put((String) segmentHolding(StandardLog.RANGE_LAST).get("txId"), 11);
        Report report = verify(StandardLog.range(fixture));
        assertFalse(report.ok());
        assertTrue(failures(report).contains("not committed as valid (validation code 11)"), failures(report));
    }

    @Test
    void anAnchorConfirmationInTheJournal_namesNoRequest_andARangeHoldingItVerifies() throws Exception {
        EvidenceFixture log = new EvidenceFixture();
        log.append(log.allowedRequest("req-0"));
        log.checkpoint();
        Map<String, Object> confirmed = new LinkedHashMap<>();
        confirmed.put("from", 0);
        confirmed.put("to", log.log.size());
        confirmed.put("checkpoints", List.of(log.log.size()));
        confirmed.put("root", Base64.getEncoder().encodeToString(log.newest().root()));
        confirmed.put("channel", "countersign");
        confirmed.put("chaincode", "anchors");
        confirmed.put("txId", "tx-1");
        confirmed.put("block", 7);
        confirmed.put("mspId", "OperatorMSP");
        log.log.append("anchor.confirmed", confirmed);
        log.append(log.allowedRequest("req-1"));
        log.checkpoint();

        VerifyRun run = VerifyRun.of(log.rangeBundle(log.log.entry(1).time(), log.log.entry(log.log.size() - 2).time())
                .write(dir));
        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void aMissingOrIncompleteConnectionFile_isAnInputError() throws Exception {
        Path bundle = StandardLog.range(fixture).write(dir);
        VerifyRun missing = VerifyRun.of(bundle, "--fabric", dir.resolve("nowhere.json").toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("cannot read"), missing.toString());

        Path incomplete = java.nio.file.Files.writeString(dir.resolve("connection.json"), "{\"peer\":\"127.0.0.1:1\"}");
        VerifyRun run = VerifyRun.of(bundle, "--fabric", incomplete.toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("needs \"channel\""), run.toString());
        assertEquals(2, VerifyRun.of(bundle, "--fabric").exitCode());
    }
}
