package io.countersign.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where each closed request's entries are in the journal, held in primitive arrays only.
 * <p>
 * A map of objects per closed request keeps every young collection busy: each insert dirties a card of a large old
 * table that the collector must then scan, which at 10,000 requests/s turned 3 ms pauses into 25 ms ones. Here keys
 * (request ids, which are UUIDs) live in an open-addressing table of longs and the sequence numbers in an arena of
 * long chunks, so the collector has no references to follow at all.
 */
final class ClosedIndex {

    private static final int CHUNK_BITS = 16;
    private static final int CHUNK = 1 << CHUNK_BITS;

    private long[] high = new long[1 << 12];
    private long[] low = new long[1 << 12];
    /** Arena position of each slot's record plus one; 0 marks an empty slot. */
    private long[] where = new long[1 << 12];
    private int size;
    private final List<long[]> arena = new ArrayList<>();
    private long arenaEnd;
    /** Ids that are not UUIDs (none are written today; a journal may hold them in future). */
    private final Map<String, long[]> others = new HashMap<>();

    synchronized void put(String id, long[] seqs) {
        UUID uuid = parse(id);
        if (uuid == null) {
            others.put(id, seqs.clone());
            return;
        }
        if ((size + 1) * 10L > high.length * 6L) {
            grow();
        }
        long position = store(seqs);
        int slot = slot(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits(), high.length);
        while (where[slot] != 0) {
            if (high[slot] == uuid.getMostSignificantBits() && low[slot] == uuid.getLeastSignificantBits()) {
                where[slot] = position + 1;
                return;
            }
            slot = (slot + 1) & (high.length - 1);
        }
        high[slot] = uuid.getMostSignificantBits();
        low[slot] = uuid.getLeastSignificantBits();
        where[slot] = position + 1;
        size++;
    }

    /** Adds one more entry of a closed request (about its grant); false if the request is not closed. */
    synchronized boolean append(String id, long seq) {
        long[] seqs = get(id);
        if (seqs == null) {
            return false;
        }
        long[] longer = java.util.Arrays.copyOf(seqs, seqs.length + 1);
        longer[seqs.length] = seq;
        put(id, longer);
        return true;
    }

    /** The journal sequence numbers of a closed request's entries, or {@code null} if it is not closed. */
    synchronized long[] get(String id) {
        UUID uuid = parse(id);
        if (uuid == null) {
            long[] seqs = others.get(id);
            return seqs == null ? null : seqs.clone();
        }
        int slot = slot(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits(), high.length);
        while (where[slot] != 0) {
            if (high[slot] == uuid.getMostSignificantBits() && low[slot] == uuid.getLeastSignificantBits()) {
                return load(where[slot] - 1);
            }
            slot = (slot + 1) & (high.length - 1);
        }
        return null;
    }

    synchronized int size() {
        return size + others.size();
    }

    private long store(long[] seqs) {
        long position = arenaEnd;
        write(seqs.length);
        for (long seq : seqs) {
            write(seq);
        }
        return position;
    }

    private void write(long value) {
        int chunk = (int) (arenaEnd >>> CHUNK_BITS);
        if (chunk == arena.size()) {
            arena.add(new long[CHUNK]);
        }
        arena.get(chunk)[(int) (arenaEnd & (CHUNK - 1))] = value;
        arenaEnd++;
    }

    private long read(long position) {
        return arena.get((int) (position >>> CHUNK_BITS))[(int) (position & (CHUNK - 1))];
    }

    private long[] load(long position) {
        long[] seqs = new long[(int) read(position)];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = read(position + 1 + i);
        }
        return seqs;
    }

    private void grow() {
        long[] oldHigh = high;
        long[] oldLow = low;
        long[] oldWhere = where;
        high = new long[oldHigh.length * 2];
        low = new long[oldHigh.length * 2];
        where = new long[oldHigh.length * 2];
        for (int i = 0; i < oldHigh.length; i++) {
            if (oldWhere[i] != 0) {
                int slot = slot(oldHigh[i], oldLow[i], high.length);
                while (where[slot] != 0) {
                    slot = (slot + 1) & (high.length - 1);
                }
                high[slot] = oldHigh[i];
                low[slot] = oldLow[i];
                where[slot] = oldWhere[i];
            }
        }
    }

    private static int slot(long hi, long lo, int capacity) {
        long mixed = (hi ^ (lo * 0x9E3779B97F4A7C15L));
        mixed ^= mixed >>> 29;
        return (int) (mixed & (capacity - 1));
    }

    private static UUID parse(String id) {
        if (id.length() != 36) {
            return null;
        }
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.toString().equals(id) ? uuid : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
