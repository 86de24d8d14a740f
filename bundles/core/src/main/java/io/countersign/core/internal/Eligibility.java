package io.countersign.core.internal;

import io.countersign.api.RefusalReason;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.Reviewer;
import io.countersign.api.Vote;
import java.util.List;
import java.util.Optional;

/**
 * Whether a reviewer may vote now. Judged at vote time against the reviewer's current groups; one function for
 * every channel, so no path can skip a check.
 */
final class Eligibility {

    record Refusal(RefusalReason reason, String detail) {
    }

    private Eligibility() {
    }

    /**
     * Also refuses a click already counted (its channel's replay key is on a vote) and a vote for an action the
     * reviewer was not shown (another digest).
     */
    static Optional<Refusal> check(RequestView state, Reviewer reviewer, ReviewEvidence evidence) {
        String replayKey = evidence.replayKey();
        if (replayKey != null) {
            for (Vote vote : state.votes()) {
                if (replayKey.equals(vote.evidence().replayKey())) {
                    return refuse(RefusalReason.REPLAYED, "this " + evidence.channel()
                            + " click was already counted, as the vote of " + vote.reviewer() + " at " + vote.at());
                }
            }
        }
        Optional<Refusal> refusal = check(state, reviewer);
        if (refusal.isPresent()) {
            return refusal;
        }
        if (evidence.digest() != null && !evidence.digest().equals(state.request().digest())) {
            return refuse(RefusalReason.DIGEST_MISMATCH, "the reviewer was shown an action with digest "
                    + evidence.digest() + ", not this request's " + state.request().digest());
        }
        return Optional.empty();
    }

    static Optional<Refusal> check(RequestView state, Reviewer reviewer) {
        if (state.status() != RequestStatus.PENDING) {
            return refuse(RefusalReason.NOT_PENDING, "the request is already " + state.status().wireName());
        }
        String id = reviewer.id();
        if (id.equals(state.request().action().requester())) {
            return refuse(RefusalReason.SELF_APPROVAL, "the reviewer is the requester");
        }
        if (state.request().action().onBehalfOf().contains(id) || state.agent().actsFor().contains(id)) {
            return refuse(RefusalReason.SELF_APPROVAL,
                    "the reviewer is a human the agent " + state.agent().id() + " acts for");
        }
        List<String> eligible = state.eligibleGroups();
        if (reviewer.groups().stream().noneMatch(eligible::contains)) {
            return refuse(RefusalReason.NOT_ELIGIBLE, "the reviewer is in none of the groups "
                    + eligible);
        }
        if (state.votes().stream().anyMatch(v -> v.reviewer().equals(id))) {
            return refuse(RefusalReason.ALREADY_VOTED, "the reviewer has already voted on this request");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> refuse(RefusalReason reason, String detail) {
        return Optional.of(new Refusal(reason, detail));
    }
}
