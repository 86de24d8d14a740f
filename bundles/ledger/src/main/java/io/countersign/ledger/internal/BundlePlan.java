package io.countersign.ledger.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Checkpoint;
import java.util.List;

/**
 * What one evidence bundle will hold, decided and checked before its first byte is written, so that a bad request is
 * refused while an answer can still say why.
 *
 * @param scope the manifest's {@code scope} member
 * @param runs the entries, as runs of consecutive seqs in ascending order
 * @param newest the checkpoint signed for this export; it covers every entry
 * @param trustedSize the size of a checkpoint the reader already trusts, or {@code null}
 */
record BundlePlan(ObjectNode scope, List<Run> runs, Checkpoint newest, Long trustedSize) {

    long entries() {
        return runs.stream().mapToLong(Run::length).sum();
    }
}
