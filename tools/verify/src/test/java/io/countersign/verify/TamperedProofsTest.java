package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inclusion and consistency proofs with nodes changed, added or removed. */
class TamperedProofsTest {
    @TempDir
    Path dir;

    private final EvidenceFixture fixture = StandardLog.build();
    private final BundleParts range = StandardLog.range(fixture);

    @Test
    void anInclusionProofWithAWrongSibling_doesNotLeadToTheRoot() throws Exception {
        path(range.inclusion.get(0)).set(1, EvidenceFixture.b64(new byte[32]));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL inclusion seq 21: not shown to be in the log: against the checkpoint of size 22,"
                + " the proof leads to root "), run.failures());
    }

    @Test
    void anInclusionProofWithAnExtraNode_isRejected() throws Exception {
        List<String> path = path(range.inclusion.get(0));
        int needed = path.size();
        path.add(EvidenceFixture.b64(new byte[32]));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL inclusion seq 21: not shown to be in the log: against the checkpoint of size 22,"
                + " the path has " + (needed + 1) + " nodes but leaf 21 of a tree of size 22 needs " + needed), run.failures());
    }

    @Test
    void anInclusionProofMissingANode_isRejected() throws Exception {
        List<String> path = path(range.inclusion.get(0));
        int needed = path.size();
        path.remove(needed - 1);

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("the path has " + (needed - 1) + " nodes but leaf 21 of a tree of size 22 needs " + needed),
                run.failures());
    }

    @Test
    void anInclusionProofAgainstASizeWithoutACheckpoint_provesNothing() throws Exception {
        range.inclusion.set(0, fixture.inclusionProof(21, 23));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL inclusion seq 21: not shown to be in the log: its proof is for a tree of size 23,"
                + " which no checkpoint of the bundle has"), run.failures());
    }

    @Test
    void aConsistencyProofWithAWrongSibling_isAForkedView() throws Exception {
        path(range.consistency.get(0)).set(0, EvidenceFixture.b64(new byte[32]));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL consistency size 27: forked view: the checkpoints of size 22 and 27 are not"
                + " consistent"), run.failures());
    }

    @Test
    void aMissingConsistencyProof_isReported() throws Exception {
        range.consistency.clear();

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL consistency size 27: no consistency proof from size 22 to size 27"), run.failures());
    }

    @SuppressWarnings("unchecked")
    private static List<String> path(Map<String, Object> proof) {
        List<String> path = new ArrayList<>((List<String>) proof.get("path"));
        proof.put("path", path);
        return path;
    }
}
