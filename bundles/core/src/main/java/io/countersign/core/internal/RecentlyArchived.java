package io.countersign.core.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

/**
 * Closed requests, and grant entries of closed requests, that the journal's follower has not indexed yet: where
 * their entries are, until the follower's position passes the last of them. Bounded by the follower's lag.
 */
final class RecentlyArchived {

    /** @param claim the idempotency claim to drop once the request is indexed, or null */
    private record Archived(long[] seqs, String claim) {
        long last() {
            return seqs[seqs.length - 1];
        }
    }

    private final Map<String, Archived> byId = new ConcurrentHashMap<>();
    /** In the order they were archived, which is about the order the follower passes them. */
    private final Queue<String> order = new ConcurrentLinkedQueue<>();

    /** A request that just closed, with its entries in journal order. */
    void put(String id, long[] seqs, String claim) {
        byId.put(id, new Archived(seqs.clone(), claim));
        order.add(id);
    }

    /** One more entry of a closed request (about its grant), whether or not it is still here. */
    void append(String id, long seq) {
        Archived merged = byId.merge(id, new Archived(new long[] {seq}, null), (old, more) -> {
            long[] seqs = Arrays.copyOf(old.seqs(), old.seqs().length + 1);
            seqs[old.seqs().length] = seq;
            return new Archived(seqs, old.claim());
        });
        if (merged.seqs().length == 1) {
            order.add(id);
        }
    }

    /** The entries known here, or {@code null}. */
    long[] get(String id) {
        Archived archived = byId.get(id);
        return archived == null ? null : archived.seqs().clone();
    }

    int size() {
        return byId.size();
    }

    /**
     * Forgets the requests whose entries are all before {@code position}, i.e. in the index now, oldest first, and
     * tells {@code forgotten} (id, claim) about each that had an idempotency claim.
     */
    // One caller at a time: producers only add at the tail, so the head peeked is the head polled.
    synchronized void indexedBelow(long position, BiConsumer<String, String> forgotten) {
        String head;
        while ((head = order.peek()) != null) {
            Archived[] removed = new Archived[1];
            Archived kept = byId.computeIfPresent(head, (id, archived) -> {
                if (archived.last() < position) {
                    removed[0] = archived;
                    return null;
                }
                return archived;
            });
            if (kept != null) {
                return;
            }
            order.poll();
            if (removed[0] != null && removed[0].claim() != null) {
                forgotten.accept(head, removed[0].claim());
            }
        }
    }
}
