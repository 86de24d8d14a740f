package io.countersign.core.internal;

import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers from the {@link RequestIndex} as journal entries: every hit is read back and kept only if the entry is
 * really what the key names (keys are digests, and a digest may collide). When the index reports damage, the answer
 * comes from reading the whole journal instead: slow, but the same.
 */
final class IndexLookup {

    private static final Logger LOG = LoggerFactory.getLogger(IndexLookup.class);

    private final RequestIndex index;
    private final Journal journal;

    IndexLookup(RequestIndex index, Journal journal) {
        this.index = index;
        this.journal = journal;
    }

    /** The entries recorded for this key, in journal order. */
    List<JournalEntry> entries(RequestIndex.Kind kind, String key) {
        long[] seqs;
        try {
            seqs = index.seqs(kind, key);
        } catch (IllegalStateException damaged) {
            LOG.warn("the request index could not answer for {} {} ({}): reading the journal instead", kind, key,
                    damaged.getMessage());
            return scan(kind, key);
        }
        List<JournalEntry> entries = new ArrayList<>(seqs.length);
        for (long seq : seqs) {
            JournalEntry entry = ShadowProjection.readOne(journal, seq);
            if (matches(kind, key, entry)) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private List<JournalEntry> scan(RequestIndex.Kind kind, String key) {
        List<JournalEntry> entries = new ArrayList<>();
        journal.replay(0, entry -> {
            if (matches(kind, key, entry)) {
                entries.add(entry);
            }
        });
        return entries;
    }

    /** Whether the shadow projection records this entry under (kind, key). */
    static boolean matches(RequestIndex.Kind kind, String key, JournalEntry entry) {
        var data = entry.data();
        return switch (kind) {
            case ENTRY -> EntryTypes.isRequestEntry(entry.type()) && key.equals(data.path("request").asText());
            case MENTION -> !EntryTypes.isOwn(entry.type()) && data.path("request").isTextual()
                    && key.equals(data.path("request").asText());
            case KEY -> entry.type().equals(EntryTypes.REQUEST_RECEIVED) && data.hasNonNull("idempotencyKey")
                    && key.equals(ShadowProjection.idempotencyKey(data.path("agent").path("id").asText(),
                            data.path("idempotencyKey").asText()));
        };
    }
}
