package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** §7 items 1 (origins), 4 and 5 for the bundle's checkpoints, and item 9 against a trusted checkpoint. */
final class CheckpointChecks {
    private final Findings findings;
    private final MerkleVerifier merkle;
    private final Proofs proofs;
    private int consistencyVerified;

    CheckpointChecks(Findings findings, MerkleVerifier merkle, Proofs proofs) {
        this.findings = findings;
        this.merkle = merkle;
        this.proofs = proofs;
    }

    /** The checkpoints of {@code checkpoints.json} that parse, in the listed order; the others are failures. */
    static List<Checkpoint> parse(JsonNode document, Findings findings) {
        JsonNode notes = document.get("checkpoints");
        List<Checkpoint> checkpoints = new ArrayList<>();
        if (notes == null || !notes.isArray()) {
            findings.add(Failure.of("checkpoint", "checkpoints.json has no \"checkpoints\" array"));
            return checkpoints;
        }
        for (int i = 0; i < notes.size(); i++) {
            JsonNode note = notes.get(i);
            try {
                if (!note.isTextual()) {
                    throw new IllegalArgumentException("not a string");
                }
                checkpoints.add(Checkpoint.parse(note.textValue()));
            } catch (IllegalArgumentException e) {
                findings.add(Failure.of("checkpoint", "checkpoint #" + i + " of checkpoints.json is malformed: " + e.getMessage()));
            }
        }
        return checkpoints;
    }

    void verify(List<Checkpoint> checkpoints, String origin, KeyRing keys) {
        for (Checkpoint checkpoint : checkpoints) {
            if (!checkpoint.origin().equals(origin)) {
                findings.add(Failure.atCheckpoint("checkpoint", checkpoint.size(), "origin " + checkpoint.origin()
                        + " differs from the bundle's origin " + origin));
            }
            String problem = CheckpointSignature.problem(checkpoint, keys);
            if (problem != null) {
                findings.add(Failure.atCheckpoint("checkpoint", checkpoint.size(), problem));
            }
        }
        for (int i = 1; i < checkpoints.size(); i++) {
            checkOrder(checkpoints.get(i - 1), checkpoints.get(i));
        }
        List<Checkpoint> bySize = checkpoints.stream().sorted(Comparator.comparingLong(Checkpoint::size)).toList();
        for (int i = 1; i < bySize.size(); i++) {
            Checkpoint older = bySize.get(i - 1);
            Checkpoint newer = bySize.get(i);
            if (older.size() < newer.size()) {
                checkConsistency(older, newer, "consistency", newer.size());
            }
        }
    }

    private void checkOrder(Checkpoint before, Checkpoint after) {
        if (after.size() == before.size()) {
            findings.add(Failure.atCheckpoint("checkpoint", after.size(), Arrays.equals(before.root(), after.root())
                    ? "listed twice"
                    : "forked view: two checkpoints of size " + after.size() + " with different roots, "
                    + before.rootBase64() + " and " + after.rootBase64()));
        } else if (after.size() < before.size()) {
            findings.add(Failure.atCheckpoint("checkpoint", after.size(), "listed after the larger checkpoint of size "
                    + before.size() + ": checkpoints must be in ascending size"));
        } else if (after.timeNanos() < before.timeNanos()) {
            findings.add(Failure.atCheckpoint("checkpoint", after.size(), "time " + after.time()
                    + " is earlier than the time " + before.time() + " of the smaller checkpoint of size " + before.size()));
        }
    }

    /** Item 9: the trusted checkpoint verifies and the bundle's newest checkpoint extends it. */
    void verifyTrusted(Checkpoint trusted, List<Checkpoint> checkpoints, String origin, KeyRing keys) {
        String check = "trusted-checkpoint";
        String signature = CheckpointSignature.problem(trusted, keys);
        if (signature != null) {
            findings.add(Failure.atCheckpoint(check, trusted.size(), "the trusted checkpoint does not verify: " + signature));
        }
        if (!trusted.origin().equals(origin)) {
            findings.add(Failure.atCheckpoint(check, trusted.size(), "the trusted checkpoint is of origin "
                    + trusted.origin() + ", the bundle of " + origin));
        }
        for (Checkpoint checkpoint : checkpoints) {
            if (checkpoint.size() == trusted.size() && !Arrays.equals(checkpoint.root(), trusted.root())) {
                findings.add(Failure.atCheckpoint(check, checkpoint.size(), "forked view: the bundle's checkpoint of size "
                        + checkpoint.size() + " has root " + checkpoint.rootBase64() + " but the trusted one has "
                        + trusted.rootBase64()));
            }
        }
        Checkpoint newest = checkpoints.stream().max(Comparator.comparingLong(Checkpoint::size)).orElse(null);
        if (newest == null) {
            findings.add(Failure.of(check, "the bundle has no checkpoint to compare with the trusted one"));
        } else if (newest.size() > trusted.size()) {
            checkConsistency(trusted, newest, check, newest.size());
        } else if (newest.size() < trusted.size() && !provenConsistent(newest, trusted)) {
            findings.add(Failure.atCheckpoint(check, newest.size(), "size regression: the trusted checkpoint has size "
                    + trusted.size() + " but the bundle's newest checkpoint has size " + newest.size()
                    + ", and no proof shows it to be an older view: the log was truncated or rolled back"));
        }
    }

    private boolean provenConsistent(Checkpoint older, Checkpoint newer) {
        return proofs.consistencyBetween(older.size(), newer.size()).stream().anyMatch(proof ->
                merkle.consistencyProblem(older.size(), newer.size(), older.root(), newer.root(), proof.path()) == null);
    }

    private void checkConsistency(Checkpoint older, Checkpoint newer, String check, long subject) {
        List<Proofs.Consistency> candidates = proofs.consistencyBetween(older.size(), newer.size());
        if (candidates.isEmpty()) {
            findings.add(Failure.atCheckpoint(check, subject, "no consistency proof from size " + older.size()
                    + " to size " + newer.size()));
            return;
        }
        String problem = null;
        for (Proofs.Consistency proof : candidates) {
            problem = merkle.consistencyProblem(older.size(), newer.size(), older.root(), newer.root(), proof.path());
            if (problem == null) {
                consistencyVerified++;
                return;
            }
        }
        findings.add(Failure.atCheckpoint(check, subject, "forked view: the checkpoints of size " + older.size()
                + " and " + newer.size() + " are not consistent: " + problem));
    }

    int consistencyVerified() {
        return consistencyVerified;
    }
}
