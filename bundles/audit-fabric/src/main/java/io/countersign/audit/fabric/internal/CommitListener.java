package io.countersign.audit.fabric.internal;

/** Told of every committed batch, in order, on the anchoring thread: keep it quick. */
@FunctionalInterface
public interface CommitListener {

    CommitListener NONE = commit -> { };

    void committed(AnchorCommit commit);
}
