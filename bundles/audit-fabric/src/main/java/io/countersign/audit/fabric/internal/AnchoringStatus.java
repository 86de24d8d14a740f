package io.countersign.audit.fabric.internal;

/** How anchoring goes right now: the service the status route reads (private to this bundle). */
public interface AnchoringStatus {

    AnchorStatus status();
}
