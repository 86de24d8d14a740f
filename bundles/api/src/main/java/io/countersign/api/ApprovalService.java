package io.countersign.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The approval state machine. Every stage returned here completes only after what it reports is journaled.
 */
@ProviderType
public interface ApprovalService {

    /**
     * Actions in this namespace are raised by Countersign itself ({@link #raise}); agents cannot submit them, and
     * approving one issues no grant.
     */
    String RESERVED_ACTION_PREFIX = "countersign.";

    /**
     * Records a request and the policy's decision on it. With an idempotency key already used by this agent for the
     * same action, returns that earlier request instead; for a different action, fails with
     * {@link RequestRejectedException}.
     */
    CompletionStage<Submission> submit(Agent agent, ActionSubmission submission, String idempotencyKey);

    Optional<RequestView> find(String requestId);

    /**
     * Records a request that Countersign raises itself for humans to settle, such as a policy change or the review
     * after a break-glass. Its action must be in the {@link #RESERVED_ACTION_PREFIX} namespace; the policy is not
     * asked, the outcome is always {@code REVIEW} on {@code route}; the humans in {@code onBehalfOf} (an author, say)
     * may not review it; approving it issues no grant: the component that raised it acts on the approval.
     */
    CompletionStage<RequestView> raise(Agent raisedBy, ActionSubmission submission, ReviewRoute route, String reason);

    /**
     * Completes when the request's version moves past {@code seenVersion}, or with the current view once
     * {@code maxWait} has passed; empty if there is no such request.
     */
    CompletionStage<Optional<RequestView>> awaitChange(String requestId, long seenVersion, Duration maxWait);

    /** The pending requests this reviewer may decide now. */
    List<RequestView> pendingFor(Reviewer reviewer);

    /**
     * Tells {@code listener} of every durable change to a request from now on, until it is removed. A listener
     * subscribes itself rather than being a service: the core would otherwise depend on its own dependents.
     */
    void addListener(RequestListener listener);

    void removeListener(RequestListener listener);

    /** Every request waiting for reviews now, oldest first. */
    List<RequestView> pending();

    /** Applies one review made through the HTTP API; empty if there is no such request. */
    default CompletionStage<Optional<ReviewResult>> review(Reviewer reviewer, String requestId, Verdict verdict,
                                                           String comment) {
        return review(reviewer, requestId, verdict, comment, ReviewEvidence.api());
    }

    /**
     * Applies one review with the evidence its channel verified; empty if there is no such request. Every channel
     * comes through here, so the same checks apply to all: eligibility now, separation of duties, one vote per
     * reviewer, the digest shown, and replays. The evidence is journaled with the vote, or with the refusal.
     */
    CompletionStage<Optional<ReviewResult>> review(Reviewer reviewer, String requestId, Verdict verdict,
                                                   String comment, ReviewEvidence evidence);

    /**
     * Journals what a channel refused or saw; changes no request. Unauthenticated callers can cause these, so the
     * rate at which they are journaled is bounded: beyond it they are counted and the count is journaled later.
     */
    CompletionStage<Void> recordChannelEvent(ChannelEvent event);

    /**
     * Consumes a grant as its enforcement point is about to run {@code presented}: the grant must be genuine, the
     * caller's, unexpired and unused, and the presented action (with the caller as requester) must have the digest the
     * grant is bound to. Exactly one of any number of concurrent calls for one grant succeeds. Refusals of a genuine
     * grant are journaled too.
     */
    CompletionStage<GrantResult> consume(Agent agent, String token, ActionSubmission presented);

    /** Records what the enforcement point reports after running the action of a consumed grant; once per grant. */
    CompletionStage<GrantResult> reportExecution(Agent agent, String requestId, ExecutionReport report);

    /**
     * The compact JWS of a grant. Tokens are never journaled: one read back from the journal is reissued from its
     * claims with the key that first signed it, which gives the same token.
     */
    String grantToken(Grant grant);

    /**
     * Grants a standing approval in {@code approver}'s name. Refused ({@link RequestRejectedException}) when the
     * approver is not in the group, is the agent or a human it acts for, or the window or the number of uses is
     * not bounded within the configured limits.
     */
    CompletionStage<StandingApproval> grantStanding(Reviewer approver, StandingApprovalSpec spec);

    /**
     * Revokes a standing approval at once: no request received after this call is approved by it. Its approver or
     * any member of its group may revoke it; empty if there is no such standing approval.
     */
    CompletionStage<Optional<StandingApproval>> revokeStanding(Reviewer by, String id);

    /**
     * How often this agent asked for this action today (UTC) and in the last hour, this request included once it is
     * received: the history a reviewer sees beside a request.
     */
    RequesterActivity activity(String agentId, String action);

    /** Every standing approval granted, newest first, with its uses. */
    List<StandingApproval> standingApprovals();

    /**
     * Where this request's entries are in the journal, in order, with the {@code passkey.registered} entry of each
     * passkey its step-up votes were checked against; empty for an unknown request.
     */
    List<Long> journalSeqs(String requestId);

    /**
     * Where the entries other bundles wrote about this request are in the journal (those whose {@code data.request}
     * names it and whose type is not the approval flow's own, e.g. {@code notification.sent}), in order; empty for an
     * unknown request. What the notification outbox rebuilds its state from, without reading the whole journal.
     */
    List<Long> mentions(String requestId);
}
