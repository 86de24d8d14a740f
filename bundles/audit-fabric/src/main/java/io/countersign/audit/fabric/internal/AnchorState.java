package io.countersign.audit.fabric.internal;

import java.util.Locale;

/** How anchoring goes, as {@code GET /v1/ledger/anchors} reports it. */
public enum AnchorState {
    /** Caught up with the newest checkpoint, or one batch away from it. */
    ANCHORING,
    /** Anchoring works but more is signed than one batch anchors: it catches up batch after batch. */
    BACKLOGGED,
    /** Fabric did not answer (or has not yet): retrying with backoff. */
    UNREACHABLE,
    /** Fabric or the journal refused or failed: retrying with backoff. */
    FAILING,
    /** Fabric holds another history than the journal: anchoring stopped until an operator looks. */
    CONFLICT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
