package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClosedIndexTest {

    @Test
    void everyClosedRequestIsFoundWithItsSequenceNumbersAcrossManyResizes() {
        ClosedIndex index = new ClosedIndex();
        Map<String, long[]> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long[] seqs = new long[1 + random.nextInt(7)];
            for (int j = 0; j < seqs.length; j++) {
                seqs[j] = random.nextLong(Long.MAX_VALUE);
            }
            String id = UUID.randomUUID().toString();
            index.put(id, seqs);
            expected.put(id, seqs);
        }
        assertEquals(expected.size(), index.size());
        expected.forEach((id, seqs) -> assertArrayEquals(seqs, index.get(id), id));
        assertNull(index.get(UUID.randomUUID().toString()));
    }

    @Test
    void idsThatAreNotCanonicalUuidsAreKeptToo() {
        ClosedIndex index = new ClosedIndex();
        List<String> ids = new ArrayList<>(List.of("order-1", "", "6BA7B810-9DAD-11D1-80B4-00C04FD430C8"));
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), new long[] {i, i + 10});
        }
        for (int i = 0; i < ids.size(); i++) {
            assertArrayEquals(new long[] {i, i + 10}, index.get(ids.get(i)));
        }
        assertNull(index.get("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "ids are compared exactly");
    }

    @Test
    void closingARequestAgainReplacesWhereItsEntriesAre() {
        ClosedIndex index = new ClosedIndex();
        String id = UUID.randomUUID().toString();
        index.put(id, new long[] {1, 2});
        index.put(id, new long[] {1, 2, 9});
        assertArrayEquals(new long[] {1, 2, 9}, index.get(id));
        assertEquals(1, index.size());
    }
}
