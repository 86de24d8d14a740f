package io.countersign.verify;

import java.util.ArrayList;
import java.util.List;

/** Checks a checkpoint's signatures against the trusted keys (§2, §3). */
final class CheckpointSignature {
    private CheckpointSignature() {
    }

    /**
     * Null when at least one trusted key signed the note and no trusted key's signature fails, else why not.
     * Lines by unknown keys are ignored, as C2SP requires; a failing line by a known key means tampering.
     */
    static String problem(Checkpoint checkpoint, KeyRing trusted) {
        boolean verified = false;
        List<String> unknown = new ArrayList<>();
        for (Checkpoint.NoteSignature line : checkpoint.signatures()) {
            List<LogKey> candidates = trusted.byNameAndHash(line.keyName(), line.keyHash());
            if (candidates.isEmpty()) {
                unknown.add(line.keyId() + " (" + line.keyName() + ")");
                continue;
            }
            LogKey signer = candidates.stream()
                    .filter(k -> Ed25519.verifies(k, checkpoint.noteText(), line.signature()))
                    .findFirst().orElse(null);
            if (signer == null) {
                return "signature by key " + line.keyId() + " does not verify";
            }
            if (signer.createdAfter(checkpoint.timeNanos())) {
                return "signed by key " + line.keyId() + " at " + checkpoint.time() + ", before the key was created";
            }
            if (signer.retiredBefore(checkpoint.timeNanos())) {
                return "signed by key " + line.keyId() + " at " + checkpoint.time() + ", after the key was retired";
            }
            verified = true;
        }
        return verified ? null : "no signature by a trusted key (signed only by unknown key " + String.join(", ", unknown) + ")";
    }
}
