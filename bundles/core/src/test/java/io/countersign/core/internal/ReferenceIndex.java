package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.countersign.core.internal.RequestIndex.Kind;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/** What a {@link RequestIndex} must answer, kept in a map, and a random workload feeding both. */
final class ReferenceIndex {

    private final Map<String, TreeSet<Long>> seqs = new HashMap<>();
    private final Random random;
    private final int keys;
    private long seq;

    ReferenceIndex(long seed, int keys) {
        this.random = new Random(seed);
        this.keys = keys;
    }

    /** Feeds the next entries, 0 to 3 records each, a tenth of them to one hot key (spanning many blocks). */
    void feed(RequestIndex index, int entries) {
        for (int i = 0; i < entries; i++, seq++) {
            int records = random.nextInt(4);
            for (int r = 0; r < records; r++) {
                Kind kind = Kind.values()[random.nextInt(3)];
                String key = random.nextInt(10) == 0 ? "hot" : "request-" + random.nextInt(keys);
                add(index, kind, key, seq);
                if (random.nextInt(20) == 0) {
                    add(index, kind, key, seq);
                }
            }
            if (records == 0 && random.nextBoolean()) {
                index.advanceTo(seq + 1);
            }
        }
    }

    void add(RequestIndex index, Kind kind, String key, long at) {
        index.add(kind, key, at);
        seqs.computeIfAbsent(kind + "/" + key, k -> new TreeSet<>()).add(at);
    }

    long next() {
        return seq;
    }

    /** Every key's answer equals the reference's, limited to seqs below end. */
    void assertAnswers(RequestIndex index, long end) {
        for (int k = -1; k < keys; k++) {
            String key = k < 0 ? "hot" : "request-" + k;
            for (Kind kind : Kind.values()) {
                assertArrayEquals(expected(kind, key, end), index.seqs(kind, key), kind + " " + key);
            }
        }
    }

    long[] expected(Kind kind, String key, long end) {
        return seqs.getOrDefault(kind + "/" + key, new TreeSet<>()).headSet(end).stream()
            .mapToLong(Long::longValue).toArray();
    }
}
