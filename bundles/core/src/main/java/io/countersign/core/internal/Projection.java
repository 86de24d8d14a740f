package io.countersign.core.internal;

import io.countersign.api.JournalEntry;
import io.countersign.api.RequestStatus;
import java.time.Instant;
import java.util.Map;

/** How journal entries change requests: the one place that reads the approval flow's entries back. */
final class Projection {

    private Projection() {
    }

    /**
     * Applies one entry to the request it names, creating the request on {@code request.received}.
     *
     * @return the request the entry changed, or {@code null} for entries that change no request
     */
    static RequestState apply(JournalEntry entry, Map<String, RequestState> states) {
        var data = entry.data();
        RequestState state;
        switch (entry.type()) {
            case EntryTypes.REQUEST_RECEIVED -> {
                state = new RequestState(JournalCodec.request(data), JournalCodec.agent(data));
                states.put(state.request().id(), state);
            }
            case EntryTypes.POLICY_DECIDED -> {
                state = existing(data.path("request").asText(), entry, states);
                RequestStatus status = JournalCodec.status(data);
                Instant at = JournalCodec.at(data);
                state.decide(JournalCodec.decision(data), status, JournalCodec.deadline(data),
                        status.isTerminal() ? at : null);
            }
            case EntryTypes.REVIEW_ACCEPTED -> {
                state = existing(data.path("request").asText(), entry, states);
                state.addVote(JournalCodec.vote(data));
            }
            case EntryTypes.REQUEST_APPROVED, EntryTypes.REQUEST_DENIED, EntryTypes.REQUEST_EXPIRED -> {
                state = existing(data.path("request").asText(), entry, states);
                state.close(JournalCodec.status(data), JournalCodec.at(data));
            }
            default -> {
                // Refused reviews change no request; other bundles' entry types are theirs to project.
                return null;
            }
        }
        state.recordSeq(entry.seq());
        return state;
    }

    private static RequestState existing(String id, JournalEntry entry, Map<String, RequestState> states) {
        RequestState state = states.get(id);
        if (state == null) {
            throw new IllegalStateException("journal entry " + entry.seq() + " (" + entry.type()
                    + ") names request " + id + ", which was never received");
        }
        return state;
    }
}
