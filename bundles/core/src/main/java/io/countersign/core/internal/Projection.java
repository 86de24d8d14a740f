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
                state.breakGlass(JournalCodec.breakGlass(data));
            }
            case EntryTypes.BREAKGLASS_INVOKED, EntryTypes.STANDING_USED ->
                    state = existing(data.path("request").asText(), entry, states);
            case EntryTypes.REQUEST_ESCALATED -> {
                state = existing(data.path("request").asText(), entry, states);
                state.escalate(data.path("level").asInt());
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
                if (!EntryTypes.followsClosing(entry.type())) {
                    // Refused reviews change no request; other bundles' entry types are theirs to project.
                    return null;
                }
                state = existing(data.path("request").asText(), entry, states);
                applyGrantEntry(state, entry);
                return state;
            }
        }
        state.recordSeq(entry.seq());
        return state;
    }

    /** Applies an entry about the request's grant, which may come after the request closed. */
    static void applyGrantEntry(RequestState state, JournalEntry entry) {
        var data = entry.data();
        switch (entry.type()) {
            case EntryTypes.GRANT_ISSUED -> state.issueGrant(JournalCodec.grant(data));
            case EntryTypes.GRANT_CONSUMED -> state.consumeGrant(JournalCodec.at(data));
            case EntryTypes.EXECUTION_REPORTED -> state.reportExecution(JournalCodec.execution(data));
            case EntryTypes.GRANT_REFUSED -> {
                // changes nothing; remembered so that the request's evidence shows the attempt
            }
            default -> throw new IllegalArgumentException("not a grant entry: " + entry.type());
        }
        state.recordSeq(entry.seq());
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
