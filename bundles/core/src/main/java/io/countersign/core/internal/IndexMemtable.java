package io.countersign.core.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The records of a {@link RequestIndex} not yet in a run, in primitive arrays only (no object per record, nothing
 * for the collector to trace). Records of one (key, kind) form a chain through {@code previous}, newest first; an
 * open-addressing table maps (key, kind) to its newest record. One writer adds; readers look up under a read lock.
 */
final class IndexMemtable {

    private static final int INITIAL_RECORDS = 1 << 10;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private long[] high = new long[INITIAL_RECORDS];
    private long[] low = new long[INITIAL_RECORDS];
    private long[] seq = new long[INITIAL_RECORDS];
    private byte[] kind = new byte[INITIAL_RECORDS];
    /** The previous record of the same key and kind, or -1. */
    private int[] previous = new int[INITIAL_RECORDS];
    /** Newest record of a (key, kind) plus one; 0 marks a free slot. Kept at most half full. */
    private int[] newest = new int[2 * INITIAL_RECORDS];
    private int chains;
    private volatile int size;

    int size() {
        return size;
    }

    /** Adds a record; a record equal to the newest of its chain is already there. Writer thread only. */
    void add(long high, long low, byte kind, long seq) {
        lock.writeLock().lock();
        try {
            int slot = slot(high, low, kind);
            int head = newest[slot] - 1;
            if (head >= 0 && this.seq[head] == seq) {
                return;
            }
            if (size == this.high.length) {
                growRecords();
            }
            int record = size;
            this.high[record] = high;
            this.low[record] = low;
            this.kind[record] = kind;
            this.seq[record] = seq;
            previous[record] = head;
            newest[slot] = record + 1;
            size = record + 1;
            if (head < 0 && ++chains * 2 > newest.length) {
                growTable();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Adds the seqs of this key and kind (newest first). */
    void collect(long high, long low, byte kind, SeqList into) {
        lock.readLock().lock();
        try {
            for (int record = newest[slot(high, low, kind)] - 1; record >= 0; record = previous[record]) {
                into.add(seq[record]);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Writes the records with seq below {@code end} in (key, kind, seq) order and returns a memtable of the others
     * (those of the entry being added, which the run must not cover). Writer thread only: nothing changes meanwhile.
     */
    IndexMemtable writeTo(IndexRunWriter writer, long end) throws IOException {
        IndexMemtable rest = new IndexMemtable();
        int[] heads = new int[chains];
        int found = 0;
        for (int entry : newest) {
            if (entry != 0) {
                heads[found++] = entry - 1;
            }
        }
        sortByKeyAndKind(heads);
        long[] chain = new long[8];
        for (int head : heads) {
            int length = 0;
            for (int record = head; record >= 0; record = previous[record]) {
                if (length == chain.length) {
                    chain = Arrays.copyOf(chain, length * 2);
                }
                chain[length++] = seq[record];
            }
            for (int i = length - 1; i >= 0; i--) {
                if (chain[i] < end) {
                    writer.append(high[head], low[head], kind[head], chain[i]);
                } else {
                    rest.add(high[head], low[head], kind[head], chain[i]);
                }
            }
        }
        return rest;
    }

    private int slot(long high, long low, byte kind) {
        int mask = newest.length - 1;
        int slot = hash(high, low, kind) & mask;
        while (true) {
            int record = newest[slot] - 1;
            if (record < 0 || this.high[record] == high && this.low[record] == low && this.kind[record] == kind) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    private static int hash(long high, long low, byte kind) {
        // The keys are SHA-256 output already; folding is enough.
        long mixed = high ^ low * 0x9E3779B97F4A7C15L ^ kind;
        return (int) (mixed ^ mixed >>> 32);
    }

    private void growRecords() {
        int capacity = high.length * 2;
        high = Arrays.copyOf(high, capacity);
        low = Arrays.copyOf(low, capacity);
        seq = Arrays.copyOf(seq, capacity);
        kind = Arrays.copyOf(kind, capacity);
        previous = Arrays.copyOf(previous, capacity);
    }

    private void growTable() {
        int[] old = newest;
        newest = new int[old.length * 2];
        for (int entry : old) {
            if (entry != 0) {
                int record = entry - 1;
                newest[slot(high[record], low[record], kind[record])] = entry;
            }
        }
    }

    /** A merge sort of record numbers by (key, kind): no boxing, stable, n log n. */
    private void sortByKeyAndKind(int[] records) {
        int[] buffer = new int[records.length];
        for (int width = 1; width < records.length; width *= 2) {
            for (int from = 0; from < records.length; from += 2 * width) {
                int middle = Math.min(from + width, records.length);
                int to = Math.min(from + 2 * width, records.length);
                int left = from;
                int right = middle;
                for (int out = from; out < to; out++) {
                    buffer[out] = right >= to || left < middle && compare(records[left], records[right]) <= 0
                        ? records[left++] : records[right++];
                }
            }
            System.arraycopy(buffer, 0, records, 0, records.length);
        }
    }

    private int compare(int a, int b) {
        int byKey = IndexKey.compare(high[a], low[a], high[b], low[b]);
        return byKey != 0 ? byKey : Byte.compare(kind[a], kind[b]);
    }
}
