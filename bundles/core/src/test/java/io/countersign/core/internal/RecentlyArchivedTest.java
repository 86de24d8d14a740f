package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentlyArchivedTest {

    @Test
    void aRequestStaysUntilTheFollowerHasPassedItsLastEntryIncludingGrantEntriesAddedLater() {
        RecentlyArchived archived = new RecentlyArchived();
        List<String> forgotten = new ArrayList<>();
        archived.put("a", new long[] {1, 2, 3}, "agent\u0000key-a");
        archived.put("b", new long[] {4, 5}, null);
        archived.append("a", 9);

        archived.indexedBelow(6, (id, claim) -> forgotten.add(id + " " + claim));
        assertArrayEquals(new long[] {1, 2, 3, 9}, archived.get("a"), "its grant entry at 9 is not indexed yet");
        assertArrayEquals(new long[] {4, 5}, archived.get("b"), "behind a, which the follower has not passed");

        archived.indexedBelow(10, (id, claim) -> forgotten.add(id + " " + claim));
        assertNull(archived.get("a"));
        assertNull(archived.get("b"));
        assertEquals(List.of("a agent\u0000key-a"), forgotten);
        assertEquals(0, archived.size());
    }

    @Test
    void aGrantEntryOfARequestAlreadyIndexedIsHeldOnItsOwnUntilIndexed() {
        RecentlyArchived archived = new RecentlyArchived();
        archived.append("c", 20);
        assertArrayEquals(new long[] {20}, archived.get("c"));
        archived.indexedBelow(20, (id, claim) -> { });
        assertArrayEquals(new long[] {20}, archived.get("c"));
        archived.indexedBelow(21, (id, claim) -> { });
        assertNull(archived.get("c"));
    }
}
