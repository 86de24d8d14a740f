package io.countersign.journal.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import java.util.concurrent.CompletableFuture;

/** An append waiting for the writer. */
record Pending(String type, ObjectNode data, CompletableFuture<JournalEntry> future) {
}
