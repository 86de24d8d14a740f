package io.countersign.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A request as the server shows it to the agent that made it.
 *
 * @param digest   the digest its grant is bound to ({@link Action#digest(String)} of {@code action} and
 *                 {@code requester})
 * @param deadline when a pending request expires; null when it is not pending for review
 * @param version  increases with every change the server publishes
 */
public record ActionRequest(String id, Status status, String digest, Action action, String justification,
                            String requester, Instant receivedAt, Decision decision, List<Vote> votes,
                            Instant deadline, Instant decidedAt, Grant grant, Execution execution,
                            int escalationLevel, long version) {

    public ActionRequest {
        votes = List.copyOf(votes);
    }

    public Optional<Grant> grantIfAny() {
        return Optional.ofNullable(grant);
    }

    public Optional<Execution> executionIfReported() {
        return Optional.ofNullable(execution);
    }

    /**
     * What the policy decided.
     *
     * @param outcome {@code allow}, {@code deny} or {@code review}
     * @param route   who must approve, when the outcome is review; null otherwise
     */
    public record Decision(String outcome, List<String> reasons, List<String> rules, String policyVersion,
                           Route route) {
        public Decision {
            reasons = List.copyOf(reasons);
            rules = List.copyOf(rules);
        }
    }

    /**
     * Who may approve: approvals per group, and the channels reviewers are asked on (empty: every configured one).
     */
    public record Route(List<Quorum> quorums, Duration timeout, int denialsToReject, List<Escalation> escalations,
                       List<String> channels) {
        public Route {
            quorums = List.copyOf(quorums);
            escalations = List.copyOf(escalations);
            channels = List.copyOf(channels);
        }
    }

    public record Quorum(String group, int approvals) {
    }

    /** After {@code after} without a decision, {@code group} may approve too. */
    public record Escalation(Duration after, String group) {
    }

    /**
     * A reviewer's vote.
     *
     * @param verdict {@code approve} or {@code deny}
     * @param channel where it was given: {@code api}, {@code slack}, {@code teams}, {@code email}, {@code standing}
     */
    public record Vote(String reviewer, String verdict, String channel, String comment, Instant at) {
    }

    /**
     * The execution report.
     *
     * @param outcome {@code success} or {@code failure}
     */
    public record Execution(String outcome, String resultDigest, Long affected, String detail, Instant at) {
    }
}
