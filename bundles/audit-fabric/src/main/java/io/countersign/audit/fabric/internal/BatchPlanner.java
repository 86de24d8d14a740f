package io.countersign.audit.fabric.internal;

import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.Journal;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts what is signed but not anchored into a batch: one segment per checkpoint, from the anchored size on, while the
 * batch stays within {@code maxEntries} (a single segment may exceed it: a checkpoint's entries are never split).
 */
final class BatchPlanner {

    private final Journal journal;
    private final Checkpoints checkpoints;
    private final int maxEntries;

    BatchPlanner(Journal journal, Checkpoints checkpoints, int maxEntries) {
        this.journal = journal;
        this.checkpoints = checkpoints;
        this.maxEntries = maxEntries;
    }

    /** The batch anchoring from {@code anchored} towards the checkpoint of size {@code target > anchored}. */
    Batch plan(long anchored, long target) {
        List<Batch.Segment> segments = new ArrayList<>();
        long from = anchored;
        long entries = 0;
        while (from < target) {
            long start = from;
            Checkpoint checkpoint = checkpoints.covering(start).orElseThrow(() -> new IllegalStateException(
                    "no checkpoint covers entry " + start + " though one of size " + target + " was signed"));
            long count = checkpoint.size() - from;
            if (!segments.isEmpty() && (checkpoint.size() > target || entries + count > maxEntries)) {
                break;
            }
            segments.add(new Batch.Segment(JournalRange.read(journal, from, checkpoint.size()), checkpoint));
            entries += count;
            from = checkpoint.size();
        }
        return new Batch(segments);
    }
}
