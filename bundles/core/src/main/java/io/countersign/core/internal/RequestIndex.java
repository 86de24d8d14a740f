package io.countersign.core.internal;

import io.countersign.api.MerkleLog;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the entries of closed requests, the entries naming them, and the requests of idempotency keys are in the
 * journal, on disk (docs/restart-design.md §5.4): immutable sorted runs ({@link IndexRun}) covering consecutive
 * ranges of entries from 0, plus a bounded memtable ({@link IndexMemtable}) of the records not yet in a run. The
 * heap holds the memtable and a few objects per run (plus one bit per 4 KiB block read); a lookup is a binary search
 * of memory-mapped fence keys and (usually) one block per run.
 * <p>
 * Keys are the first 16 bytes of SHA-256 of the key string, so a hit may in principle belong to another key with
 * the same digest: callers confirm it by reading the entry.
 * <p>
 * Concurrency: one writer thread calls {@link #add}, {@link #advanceTo} and {@link #flush}; any thread may call
 * {@link #seqs}. Readers take one immutable snapshot of (runs, memtable); a flush or a compaction publishes a new
 * snapshot only once the run holding the records is in place, so a reader never misses a record added before it
 * started. Compaction ({@link IndexCompactor}) runs on a background thread, or at the end of each flush if
 * {@link Options#compactInBackground()} is false.
 * <p>
 * Damage: a run is used at open only if its magic, footer CRC and name hold, {@code root(coveredTo)} equals the
 * journal's and it chains contiguously from 0 ({@link IndexRunChain}). A block is checked the first time it is read;
 * if its CRC fails, {@link #seqs} throws an {@link IllegalStateException} naming the file and block (the caller falls
 * back to reading the journal), the run is never merged, and its file is deleted, so that the next open ends the
 * chain before it and the range is indexed again from the journal. The range is not re-indexed in this process:
 * {@link #add} takes records in seq order only, and re-adding old entries is the follower's job at the next start.
 */
final class RequestIndex implements Closeable {

    /** What a record's seq is to its key; the codes are those of the run format. */
    enum Kind {
        /** An entry of the request; key: the request id. */
        ENTRY,
        /** An entry of another bundle naming the request; key: the request id. */
        MENTION,
        /** The request.received of an idempotency key; key: {@code agent + "\u0000" + idempotencyKey}. */
        KEY;

        byte code() {
            return (byte) (ordinal() + 1);
        }
    }

    /** Tuning: memtable records that trigger a flush, runs kept before compacting, compaction thread or inline. */
    record Options(int memtableLimit, int maxRuns, boolean compactInBackground) {
        static final Options DEFAULT = new Options(1_000_000, 8, true);
    }

    /** What a reader sees: the runs oldest first, and the records after them. */
    private record State(List<IndexRun> runs, IndexMemtable memtable) {
    }

    private final Path directory;
    private final MerkleLog journal;
    private final int memtableLimit;
    private final IndexCompactor compactor;
    /** Guards replacing {@link #state}, which the writer (flush) and the compactor both do. */
    private final Object swap = new Object();
    private volatile State state;
    private volatile long indexedTo;
    private volatile boolean closed;

    private RequestIndex(Path directory, MerkleLog journal, List<IndexRun> runs, Options options) {
        this.directory = directory;
        this.journal = journal;
        this.memtableLimit = options.memtableLimit();
        this.state = new State(List.copyOf(runs), new IndexMemtable());
        this.indexedTo = IndexRunChain.end(runs);
        this.compactor = new IndexCompactor(directory, options.maxRuns(), options.compactInBackground(),
            new IndexCompactor.Runs() {
                @Override
                public List<IndexRun> current() {
                    return state.runs();
                }

                @Override
                public void replace(List<IndexRun> parts, IndexRun merged) {
                    replaceRuns(parts, merged);
                }
            });
    }

    /**
     * Opens the runs in directory (created if missing) that are valid (magic, footer CRC, root(coveredTo) equal to
     * journal.root(coveredTo), coveredTo &lt;= upTo) and chain contiguously from 0; deletes *.tmp and every run not
     * used. indexedTo() is then the end of that chain (0 if none).
     */
    static RequestIndex open(Path directory, MerkleLog journal, long upTo) throws IOException {
        return open(directory, journal, upTo, Options.DEFAULT);
    }

    static RequestIndex open(Path directory, MerkleLog journal, long upTo, Options options) throws IOException {
        return new RequestIndex(directory, journal, IndexRunChain.open(directory, journal, upTo), options);
    }

    /** Every entry before this seq has been given to add() (or had no records). */
    long indexedTo() {
        return indexedTo;
    }

    /**
     * Adds a record; called by one thread (the follower) in non-decreasing seq order, seq &gt;= indexedTo(). Flushes
     * when the memtable reaches its limit (an IOException then surfaces as an {@link UncheckedIOException}).
     */
    void add(Kind kind, String key, long seq) {
        requireOpen();
        if (seq < indexedTo) {
            throw new IllegalArgumentException("seq " + seq + " is before indexedTo " + indexedTo);
        }
        IndexKey digest = IndexKey.of(key);
        State current = state;
        current.memtable().add(digest.high(), digest.low(), kind.code(), seq);
        indexedTo = seq;
        if (current.memtable().size() >= memtableLimit && seq > IndexRunChain.end(current.runs())) {
            try {
                flush();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not flush the request index to " + directory, e);
            }
        }
    }

    /** Records that every entry before position has been given (entries with no records advance it too). */
    void advanceTo(long position) {
        requireOpen();
        if (position > indexedTo) {
            indexedTo = position;
        }
    }

    /** Ascending, duplicate-free seqs recorded for (kind, key); empty if none. Any thread. */
    long[] seqs(Kind kind, String key) {
        IndexKey digest = IndexKey.of(key);
        State current = state;
        SeqList found = new SeqList();
        for (IndexRun run : current.runs()) {
            run.collect(digest.high(), digest.low(), kind.code(), found);
        }
        current.memtable().collect(digest.high(), digest.low(), kind.code(), found);
        return found.toSortedDistinct();
    }

    /**
     * Writes the memtable as a new run covering [end of the last run, indexedTo()), no-op if that range is empty,
     * made durable under its name; then the memtable holds only records at seq indexedTo() (of the entry being added,
     * which the run does not cover). Writer thread only.
     */
    void flush() throws IOException {
        requireOpen();
        State current = state;
        long from = IndexRunChain.end(current.runs());
        long to = indexedTo;
        if (to <= from) {
            return;
        }
        IndexRun run;
        IndexMemtable rest;
        try (IndexRunWriter writer = IndexRunWriter.create(directory, from, to, journal.root(to))) {
            rest = current.memtable().writeTo(writer, to);
            run = writer.finish();
        }
        synchronized (swap) {
            List<IndexRun> runs = new ArrayList<>(state.runs());
            runs.add(run);
            state = new State(List.copyOf(runs), rest);
        }
        compactor.runAdded();
    }

    /** Merges runs until at most Options.maxRuns are left, on this thread (tests; the background does it anyway). */
    void compact() throws IOException {
        compactor.compact();
    }

    private void replaceRuns(List<IndexRun> parts, IndexRun merged) {
        synchronized (swap) {
            List<IndexRun> runs = new ArrayList<>(state.runs());
            int first = runs.indexOf(parts.get(0));
            if (first < 0 || first + parts.size() > runs.size()
                || !runs.subList(first, first + parts.size()).equals(parts)) {
                merged.delete();
                throw new IllegalStateException("runs " + parts + " are no longer adjacent in " + runs);
            }
            runs.subList(first, first + parts.size()).clear();
            runs.add(first, merged);
            state = new State(List.copyOf(runs), state.memtable());
        }
    }

    /** Names of the runs in use (for a snapshot to record), oldest first. */
    List<String> runs() {
        return state.runs().stream().map(IndexRun::name).toList();
    }

    int memtableSize() {
        return state.memtable().size();
    }

    /** Stops compaction (abandoning a merge under way). Does not flush: the caller decides what is durable. */
    @Override
    public void close() throws IOException {
        closed = true;
        compactor.close();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("request index " + directory + " is closed");
        }
    }
}
