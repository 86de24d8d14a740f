package io.countersign.core.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the runs of a {@link RequestIndex} few: while there are more than {@code maxRuns}, the newest two neighbours
 * of comparable size (the older at most twice the newer), not counting the newest run, are merged into one run
 * covering both. Runs beyond {@code maxRuns} therefore remain only while each is over twice the size of the next,
 * i.e. at most about log2(records / smallest run) + 1 of them. With flushes of similar size the run sizes grow geometrically and a record
 * is rewritten O(log flushes) times; keeping a fixed number of runs instead would rewrite the oldest one again and
 * again (O(flushes) times per record).
 * <p>
 * Crash safety comes from the order of the steps: the merged run is made durable under its own name, then swapped
 * into the run list (readers see the parts or the merged run, never neither), and only then are the parts deleted.
 * A crash in between leaves the merged run and (some of) its parts, and {@link IndexRunChain} prefers the merged one.
 */
final class IndexCompactor implements Closeable {

    /** The run list the compactor works on. */
    interface Runs {
        List<IndexRun> current();

        /** Puts merged in place of parts, which are adjacent in the current list, atomically for readers. */
        void replace(List<IndexRun> parts, IndexRun merged);
    }

    private static final Logger LOG = LoggerFactory.getLogger(IndexCompactor.class);

    private final Path directory;
    private final int maxRuns;
    private final Runs runs;
    private final ExecutorService background;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;

    IndexCompactor(Path directory, int maxRuns, boolean inBackground, Runs runs) {
        if (maxRuns < 2) {
            throw new IllegalArgumentException("maxRuns " + maxRuns + " < 2");
        }
        this.directory = directory;
        this.maxRuns = maxRuns;
        this.runs = runs;
        this.background = inBackground ? Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "countersign-index-compactor");
            thread.setDaemon(true);
            return thread;
        }) : null;
    }

    /** Called after a run was added: compacts on the background thread, or at once on this one. */
    void runAdded() {
        if (background == null) {
            compactLogged();
        } else if (runs.current().size() > maxRuns && scheduled.compareAndSet(false, true)) {
            background.execute(() -> {
                scheduled.set(false);
                compactLogged();
            });
        }
    }

    private void compactLogged() {
        try {
            compact();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Index compaction failed; the runs stay as they are: {}", e.toString());
        }
    }

    /** Merges until at most maxRuns runs are left or no neighbours are of comparable size. */
    synchronized void compact() throws IOException {
        while (!closed) {
            List<IndexRun> pair = comparableNeighbours(runs.current());
            if (pair == null) {
                return;
            }
            IndexRun merged = merge(pair);
            if (merged == null) {
                return;
            }
            runs.replace(pair, merged);
            pair.forEach(IndexRun::delete);
            IndexRunWriter.forceDirectory(directory);
        }
    }

    /**
     * The newest neighbours of comparable size (the older at most twice the newer), or null. The newest run is never
     * merged: a snapshot is written right after the flush that made it and needs a run ending exactly where it
     * does, also if the process stops before the snapshot is durable.
     */
    private List<IndexRun> comparableNeighbours(List<IndexRun> current) {
        if (current.size() <= maxRuns) {
            return null;
        }
        for (int i = current.size() - 3; i >= 0; i--) {
            IndexRun older = current.get(i);
            IndexRun newer = current.get(i + 1);
            if (!older.damaged() && !newer.damaged() && older.records() <= 2 * newer.records()) {
                return List.copyOf(current.subList(i, i + 2));
            }
        }
        return null;
    }

    /**
     * Streams adjacent runs into one covering their union; its root is the last part's (both are MTH(D[0:to])).
     * Null if the compactor was closed meanwhile.
     */
    private IndexRun merge(List<IndexRun> parts) throws IOException {
        IndexRun last = parts.get(parts.size() - 1);
        IndexRun.Cursor[] cursors = new IndexRun.Cursor[parts.size()];
        boolean[] more = new boolean[parts.size()];
        for (int i = 0; i < cursors.length; i++) {
            cursors[i] = parts.get(i).cursor();
            more[i] = cursors[i].next();
        }
        try (IndexRunWriter writer = IndexRunWriter.create(directory, parts.get(0).coveredFrom(), last.coveredTo(),
                last.root())) {
            for (long written = 0; ; written++) {
                int smallest = smallest(cursors, more);
                if (smallest < 0) {
                    return writer.finish();
                }
                if (closed && written % IndexRun.RECORDS_PER_BLOCK == 0) {
                    return null;
                }
                IndexRun.Cursor cursor = cursors[smallest];
                writer.append(cursor.high, cursor.low, cursor.kind, cursor.seq);
                more[smallest] = cursor.next();
            }
        }
    }

    private static int smallest(IndexRun.Cursor[] cursors, boolean[] more) {
        int smallest = -1;
        for (int i = 0; i < cursors.length; i++) {
            if (more[i] && (smallest < 0 || IndexKey.compareRecords(cursors[i].high, cursors[i].low,
                    cursors[i].kind, cursors[i].seq, cursors[smallest].high, cursors[smallest].low,
                    cursors[smallest].kind, cursors[smallest].seq) < 0)) {
                smallest = i;
            }
        }
        return smallest;
    }

    /** Stops compacting: a merge under way is abandoned (its .tmp deleted) and the background thread ends. */
    @Override
    public void close() throws IOException {
        closed = true;
        if (background != null) {
            background.shutdown();
            try {
                background.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
