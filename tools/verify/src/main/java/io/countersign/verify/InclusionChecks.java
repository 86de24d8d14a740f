package io.countersign.verify;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** §7 item 6: the last entry of every run is in the tree of one of the bundle's checkpoints. */
final class InclusionChecks {
    private final Findings findings;
    private final MerkleVerifier merkle;
    private int verified;

    InclusionChecks(Findings findings, MerkleVerifier merkle) {
        this.findings = findings;
        this.merkle = merkle;
    }

    void verify(List<Run> runs, Proofs proofs, Map<Long, Checkpoint> checkpointsBySize) {
        Set<Long> runEnds = new HashSet<>();
        for (Run run : runs) {
            runEnds.add(run.lastSeq());
            verifyRun(run, proofs.inclusionFor(run.lastSeq()), checkpointsBySize);
        }
        proofs.inclusion().stream()
                .filter(proof -> !runEnds.contains(proof.leafIndex()))
                .forEach(proof -> findings.warn("an inclusion proof for seq " + proof.leafIndex()
                        + ", which ends no run of the bundle, was not used"));
    }

    private void verifyRun(Run run, List<Proofs.Inclusion> candidates, Map<Long, Checkpoint> checkpointsBySize) {
        if (candidates.isEmpty()) {
            findings.add(Failure.atSeq("inclusion", run.lastSeq(), "no inclusion proof for seq " + run.lastSeq()
                    + ", the last entry of the run of " + run.describe()));
            return;
        }
        byte[] leafHash = merkle.leafHash(run.lastHash());
        List<String> problems = new ArrayList<>();
        for (Proofs.Inclusion proof : candidates) {
            Checkpoint checkpoint = checkpointsBySize.get(proof.treeSize());
            if (checkpoint == null) {
                problems.add("its proof is for a tree of size " + proof.treeSize() + ", which no checkpoint of the bundle has");
                continue;
            }
            String problem = merkle.inclusionProblem(proof.leafIndex(), proof.treeSize(), leafHash, proof.path(),
                    checkpoint.root());
            if (problem == null) {
                verified++;
                return;
            }
            problems.add("against the checkpoint of size " + proof.treeSize() + ", " + problem);
        }
        findings.add(Failure.atSeq("inclusion", run.lastSeq(), "not shown to be in the log: " + String.join("; ", problems)));
    }

    int verified() {
        return verified;
    }
}
