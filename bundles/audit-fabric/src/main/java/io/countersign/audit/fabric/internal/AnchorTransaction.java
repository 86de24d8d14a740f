package io.countersign.audit.fabric.internal;

/** A committed {@code Anchor} transaction. */
record AnchorTransaction(String txId, long block) {
}
