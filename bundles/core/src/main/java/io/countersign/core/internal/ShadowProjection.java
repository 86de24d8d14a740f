package io.countersign.core.internal;

import io.countersign.api.ApprovalService;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.RequestStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The approval core's projection of the durable journal (docs/restart-design.md §5.2): the open requests, activity
 * counts, standing approvals and the requests closed without their grant. Where every request's entries, the other
 * bundles' entries naming a request, and the requests of idempotency keys are goes to the {@link RequestIndex} as
 * each entry arrives (the index takes records in seq order only), so a closed request is found there and the heap
 * holds only what is open.
 * <p>
 * It is the one reader of the journal at start (restored from a snapshot, then the tail) and then keeps following
 * it, so a snapshot can be taken between any two entries. Unlike the engine's live state it holds durable entries
 * only. Applied on one thread at a time.
 */
final class ShadowProjection {

    private final RequestIndex index;
    private final Map<String, RequestState> open = new LinkedHashMap<>();
    private final Set<String> awaitingGrant = new LinkedHashSet<>();
    private final ActivityCounts activity;
    private final StandingApprovals standing;
    private final PasskeyRegistry passkeys;
    private volatile long position;

    private ShadowProjection(RequestIndex index, long position, ActivityCounts activity,
                             StandingApprovals standing, PasskeyRegistry passkeys) {
        this.index = index;
        this.position = position;
        this.activity = activity;
        this.standing = standing;
        this.passkeys = passkeys;
    }

    /** The projection of an empty journal prefix. */
    static ShadowProjection empty(RequestIndex index) {
        return new ShadowProjection(index, 0, new ActivityCounts(), new StandingApprovals(), new PasskeyRegistry());
    }

    /** The projection a snapshot describes: each open request read back from its entries. */
    static ShadowProjection restore(CoreSnapshot snapshot, RequestIndex index, Journal journal) {
        ShadowProjection shadow = new ShadowProjection(index, snapshot.size(), snapshot.activity(),
                snapshot.standing(), snapshot.passkeys());
        for (CoreSnapshot.OpenRequest request : snapshot.open()) {
            for (long seq : request.seqs()) {
                JournalEntry entry = readOne(journal, seq);
                if (!request.id().equals(entry.data().path("request").asText())) {
                    throw new IllegalStateException("entry " + seq + " is not about request " + request.id());
                }
                Projection.apply(entry, shadow.open);
            }
            if (!shadow.open.containsKey(request.id())) {
                throw new IllegalStateException("open request " + request.id() + " has no request.received");
            }
        }
        shadow.awaitingGrant.addAll(snapshot.awaitingGrant());
        return shadow;
    }

    /** Applies the next durable entry. */
    void apply(JournalEntry entry) {
        if (entry.seq() != position) {
            throw new IllegalStateException("the projection is at " + position + " but was given entry "
                    + entry.seq());
        }
        String type = entry.type();
        var data = entry.data();
        if (type.startsWith("standing.")) {
            standing.apply(type, data);
        } else if (type.equals(EntryTypes.PASSKEY_REGISTERED) || type.equals(EntryTypes.REVIEW_ACCEPTED)) {
            passkeys.apply(type, data, entry.seq());
        } else if (type.equals(EntryTypes.REQUEST_RECEIVED)) {
            String action = data.path("action").path("action").asText();
            if (!action.startsWith(ApprovalService.RESERVED_ACTION_PREFIX)) {
                activity.countAndRecord(data.path("agent").path("id").asText(), action,
                        Instant.parse(data.path("receivedAt").asText()));
            }
        }
        var request = data.get("request");
        if (EntryTypes.isRequestEntry(type)) {
            index(entry);
            project(entry);
        } else if (!EntryTypes.isOwn(type) && request != null && request.isTextual()) {
            index.add(RequestIndex.Kind.MENTION, request.asText(), entry.seq());
        }
        position = entry.seq() + 1;
        index.advanceTo(position);
    }

    private void index(JournalEntry entry) {
        String id = entry.data().path("request").asText();
        index.add(RequestIndex.Kind.ENTRY, id, entry.seq());
        if (entry.type().equals(EntryTypes.REQUEST_RECEIVED) && entry.data().hasNonNull("idempotencyKey")) {
            // the request.received holds the key, the agent, and the digest to compare a resubmission with
            index.add(RequestIndex.Kind.KEY, idempotencyKey(entry.data().path("agent").path("id").asText(),
                    entry.data().path("idempotencyKey").asText()), entry.seq());
        }
    }

    private void project(JournalEntry entry) {
        String id = entry.data().path("request").asText();
        if (EntryTypes.followsClosing(entry.type()) && !open.containsKey(id)) {
            if (entry.type().equals(EntryTypes.GRANT_ISSUED)) {
                awaitingGrant.remove(id);
            }
            return;
        }
        RequestState state = Projection.apply(entry, open);
        if (state.status() != null && state.status().isTerminal()) {
            open.remove(id);
            if ((state.status() == RequestStatus.ALLOWED || state.status() == RequestStatus.APPROVED)
                    && !state.request().action().action().startsWith(ApprovalService.RESERVED_ACTION_PREFIX)) {
                awaitingGrant.add(id);
            }
        }
    }

    /** How an idempotency key is named in the index and in the engine's claims. */
    static String idempotencyKey(String agent, String key) {
        return agent + '\u0000' + key;
    }

    /** The snapshot of this projection; its index must have been flushed up to {@link #position()}. */
    CoreSnapshot snapshot(byte[] root, List<CoreSnapshot.Run> runs) {
        List<CoreSnapshot.OpenRequest> requests = new ArrayList<>(open.size());
        for (RequestState state : open.values()) {
            requests.add(new CoreSnapshot.OpenRequest(state.request().id(), state.seqs()));
        }
        return new CoreSnapshot(position, root, runs, requests, List.copyOf(awaitingGrant),
                new ActivityCounts(activity), new StandingApprovals(standing), new PasskeyRegistry(passkeys));
    }

    /** The next seq to apply: every entry before it is applied. */
    long position() {
        return position;
    }

    /** The open requests; only while nothing applies entries (at start). */
    Collection<RequestState> open() {
        return open.values();
    }

    /** Requests allowed or approved whose grant was never journaled; only while nothing applies entries. */
    Set<String> awaitingGrant() {
        return awaitingGrant;
    }

    ActivityCounts activity() {
        return activity;
    }

    StandingApprovals standing() {
        return standing;
    }

    PasskeyRegistry passkeys() {
        return passkeys;
    }

    /** How many requests this holds: what must not grow with closed history. */
    int openCount() {
        return open.size();
    }

    static JournalEntry readOne(Journal journal, long seq) {
        List<JournalEntry> read = journal.read(seq, 1);
        if (read.isEmpty()) {
            throw new IllegalStateException("journal entry " + seq + " is missing");
        }
        return read.get(0);
    }
}
