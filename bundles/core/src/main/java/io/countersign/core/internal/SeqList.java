package io.countersign.core.internal;

import java.util.Arrays;

/** A growable list of seqs gathered by one lookup. */
final class SeqList {

    private long[] seqs = new long[8];
    private int size;

    void add(long seq) {
        if (size == seqs.length) {
            seqs = Arrays.copyOf(seqs, size * 2);
        }
        seqs[size++] = seq;
    }

    /** The seqs ascending and without duplicates. */
    long[] toSortedDistinct() {
        long[] sorted = Arrays.copyOf(seqs, size);
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (distinct == 0 || sorted[distinct - 1] != sorted[i]) {
                sorted[distinct++] = sorted[i];
            }
        }
        return distinct == sorted.length ? sorted : Arrays.copyOf(sorted, distinct);
    }
}
