package io.countersign.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The auditor's search: requests received in a time window that match every filter given, newest first, a page at a
 * time. The journal's entry times never decrease with seq, so the window is found by binary search; within it the
 * {@code request.received} entries are read newest first and the filters on what the agent asked (agent, human,
 * action, environment) are checked on the entry itself, so only candidates are looked up as views (through the core's
 * request index) for their outcome and reviewers. One page reads at most {@code maxScanned} entries: a search of a
 * wide window over a large journal stops there and says where to go on from.
 */
final class RequestSearch {

    static final String RECEIVED = "request.received";
    private static final int BATCH = 512;

    /**
     * What to look for; {@code null} filters match everything.
     *
     * @param from received at or after this instant
     * @param to received at or before this instant
     * @param human a human the agent acted for
     * @param outcome the request's status now
     * @param reviewer someone who voted on it
     * @param before only entries before this seq (the next page's start), or {@code null}
     */
    record Query(Instant from, Instant to, String agent, String human, String action, String environment,
                 RequestStatus outcome, String reviewer, Long before) {
        Query {
            if (from == null || to == null || to.isBefore(from)) {
                throw new IllegalArgumentException("a search needs a time window whose end is not before its start");
            }
        }

        Query startingBefore(long seq) {
            return new Query(from, to, agent, human, action, environment, outcome, reviewer, seq);
        }
    }

    /**
     * One page of results.
     *
     * @param next the {@code before} of the next page, or {@code null} when the window holds no more
     * @param stoppedShort whether the page ended because {@code maxScanned} entries were read, not because it was full
     */
    record Page(List<RequestView> requests, Long next, long scanned, boolean stoppedShort) {
    }

    private final Journal journal;
    private final Function<String, Optional<RequestView>> views;
    private final int maxScanned;

    RequestSearch(Journal journal, Function<String, Optional<RequestView>> views, int maxScanned) {
        this.journal = journal;
        this.views = views;
        this.maxScanned = maxScanned;
    }

    Page search(Query query, int limit) {
        long size = journal.size();
        long first = firstSeqWithTimeAtOrAfter(query.from(), size);
        long end = firstSeqWithTimeAfter(query.to(), size);
        if (query.before() != null) {
            end = Math.min(end, query.before());
        }
        List<RequestView> found = new ArrayList<>();
        long scanned = 0;
        long cursor = end;
        while (cursor > first) {
            if (scanned >= maxScanned) {
                return new Page(found, cursor, scanned, true);
            }
            long start = Math.max(first, cursor - Math.min(BATCH, maxScanned - scanned));
            List<JournalEntry> entries = journal.read(start, (int) (cursor - start));
            scanned += entries.size();
            for (int i = entries.size() - 1; i >= 0; i--) {
                JournalEntry entry = entries.get(i);
                if (!entry.type().equals(RECEIVED) || !asked(entry.data(), query)) {
                    continue;
                }
                Optional<RequestView> view = views.apply(entry.data().path("request").asText());
                if (view.isPresent() && decided(view.get(), query)) {
                    found.add(view.get());
                    if (found.size() == limit) {
                        return new Page(found, entry.seq() > first ? entry.seq() : null, scanned, false);
                    }
                }
            }
            cursor = start;
        }
        return new Page(found, null, scanned, false);
    }

    /** The filters on what was asked, checked on the {@code request.received} entry. */
    private static boolean asked(JsonNode data, Query query) {
        JsonNode action = data.path("action");
        return matches(query.agent(), data.path("agent").path("id").asText())
                && matches(query.action(), action.path("action").asText())
                && matches(query.environment(), action.path("environment").asText())
                && (query.human() == null || contains(action.path("onBehalfOf"), query.human()));
    }

    /** The filters on what became of it, checked on the view. */
    private static boolean decided(RequestView view, Query query) {
        return (query.outcome() == null || view.status() == query.outcome())
                && (query.reviewer() == null || view.votes().stream()
                .anyMatch(vote -> vote.reviewer().equals(query.reviewer())));
    }

    private static boolean matches(String wanted, String value) {
        return wanted == null || wanted.equals(value);
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private long firstSeqWithTimeAtOrAfter(Instant instant, long size) {
        long low = 0;
        long high = size;
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (!time(middle).isBefore(instant)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    private long firstSeqWithTimeAfter(Instant instant, long size) {
        long low = 0;
        long high = size;
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (time(middle).isAfter(instant)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    private Instant time(long seq) {
        return journal.read(seq, 1).get(0).time();
    }
}
