package io.countersign.audit.fabric.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Checkpoint;
import io.countersign.api.json.Jcs;
import java.util.Base64;
import java.util.List;

/** Consecutive segments anchored by one transaction, each ending at the size of a checkpoint. */
record Batch(List<Segment> segments) {

    /** The entries {@code from <= seq < checkpoint.size()} and the checkpoint that signs them. */
    record Segment(JournalRange entries, Checkpoint checkpoint) {

        long from() {
            return entries.from();
        }

        long to() {
            return entries.to();
        }
    }

    Batch {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one segment");
        }
        segments = List.copyOf(segments);
    }

    long from() {
        return segments.get(0).from();
    }

    long to() {
        return segments.get(segments.size() - 1).to();
    }

    Checkpoint lastCheckpoint() {
        return segments.get(segments.size() - 1).checkpoint();
    }

    /** Whether every entry is an {@code anchor.confirmed} entry: such a batch is confirmed by no new entry. */
    boolean onlyConfirmations() {
        return segments.stream().allMatch(segment -> segment.entries().onlyConfirmations());
    }

    List<Long> checkpointSizes() {
        return segments.stream().map(Segment::to).toList();
    }

    /** The {@code Anchor} argument (docs/evidence-format.md §9.2). */
    String toJson(String origin) {
        ObjectNode batch = JsonNodeFactory.instance.objectNode();
        batch.put("origin", origin);
        ArrayNode array = batch.putArray("segments");
        for (Segment segment : segments) {
            array.addObject()
                    .put("from", segment.from())
                    .put("to", segment.to())
                    .put("entryHashes", Base64.getEncoder().encodeToString(segment.entries().entryHashes()))
                    .put("checkpoint", segment.checkpoint().note());
        }
        return Jcs.canonicalString(batch);
    }
}
