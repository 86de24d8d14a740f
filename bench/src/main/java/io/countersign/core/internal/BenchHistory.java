package io.countersign.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.BreakGlass;
import io.countersign.api.Decision;
import io.countersign.api.ExecutionReport;
import io.countersign.api.Grant;
import io.countersign.api.GrantRefusal;
import io.countersign.api.JournalEntry;
import io.countersign.api.PolicyContext;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.Reviewer;
import io.countersign.api.StandingApproval;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The approval core's own entry format, request state and start-up projection, opened to the restart benchmark
 * (bench code only; it lives in the core's package because {@link JournalCodec}'s writers, {@link RequestState},
 * {@link Quorum}, {@link Eligibility}, {@link ActivityCounts} and {@link StandingApprovals} are package-private).
 * The history generator builds every entry with these, in the order {@link ApprovalEngine} appends them, so the
 * generated journal is what a node writes; {@link Replay} is {@link ApprovalEngine}'s start-up replay
 * without its side effects, to check a generated journal and to time the core's share of a restart in-process.
 */
public final class BenchHistory {

    public static final String REQUEST_RECEIVED = EntryTypes.REQUEST_RECEIVED;
    public static final String POLICY_DECIDED = EntryTypes.POLICY_DECIDED;
    public static final String REVIEW_ACCEPTED = EntryTypes.REVIEW_ACCEPTED;
    public static final String REVIEW_REFUSED = EntryTypes.REVIEW_REFUSED;
    public static final String REQUEST_APPROVED = EntryTypes.REQUEST_APPROVED;
    public static final String REQUEST_DENIED = EntryTypes.REQUEST_DENIED;
    public static final String REQUEST_EXPIRED = EntryTypes.REQUEST_EXPIRED;
    public static final String GRANT_ISSUED = EntryTypes.GRANT_ISSUED;
    public static final String GRANT_CONSUMED = EntryTypes.GRANT_CONSUMED;
    public static final String GRANT_REFUSED = EntryTypes.GRANT_REFUSED;
    public static final String EXECUTION_REPORTED = EntryTypes.EXECUTION_REPORTED;
    public static final String BREAKGLASS_INVOKED = EntryTypes.BREAKGLASS_INVOKED;
    public static final String STANDING_GRANTED = EntryTypes.STANDING_GRANTED;
    public static final String STANDING_USED = EntryTypes.STANDING_USED;
    public static final String POST_INCIDENT_REVIEW = ApprovalEngine.POST_INCIDENT_REVIEW;
    public static final String STANDING_CHANNEL = ApprovalEngine.STANDING_CHANNEL;

    private BenchHistory() {
    }

    // ---- entry data, exactly as ApprovalEngine builds it -------------------------------------------------------

    public static ObjectNode received(ActionRequest request, Agent agent) {
        return JournalCodec.received(request, agent);
    }

    /** @param context {@code null} for a request Countersign raised itself (the policy did not decide it) */
    public static ObjectNode decided(String requestId, Decision decision, RequestStatus status, Instant deadline,
                                     Instant at, PolicyContext context) {
        return JournalCodec.decided(requestId, decision, status, deadline, at, context);
    }

    public static ObjectNode breakGlassGranted(ObjectNode decided, BreakGlass how) {
        return JournalCodec.breakGlassGranted(decided, how);
    }

    public static ObjectNode breakGlassInvoked(String requestId, String agent, List<String> onBehalfOf,
                                               String reason, Instant at) {
        return JournalCodec.breakGlassInvoked(requestId, agent, onBehalfOf, reason, at);
    }

    public static ObjectNode accepted(String requestId, String digest, Vote vote) {
        return JournalCodec.accepted(requestId, digest, vote);
    }

    public static ObjectNode refused(String requestId, String reviewer, Collection<String> groups, Verdict verdict,
                                     RefusalReason reason, String detail, ReviewEvidence evidence) {
        return JournalCodec.refused(requestId, reviewer, groups, verdict, reason, detail, evidence);
    }

    public static ObjectNode closed(String requestId, RequestStatus status, String cause, Instant at) {
        return JournalCodec.closed(requestId, status, cause, at);
    }

    public static ObjectNode grantIssued(Grant grant) {
        return JournalCodec.grantIssued(grant);
    }

    public static ObjectNode grantConsumed(Grant grant, String by, Instant at) {
        return JournalCodec.grantConsumed(grant, by, at);
    }

    public static ObjectNode grantRefused(Grant grant, GrantRefusal reason, String detail, String presentedDigest,
                                          String by, Instant at) {
        return JournalCodec.grantRefused(grant, reason, detail, presentedDigest, by, at);
    }

    public static ObjectNode executionReported(Grant grant, String by, ExecutionReport report) {
        return JournalCodec.executionReported(grant, by, report);
    }

    public static ObjectNode standingGranted(StandingApproval approval) {
        return StandingApprovals.granted(approval);
    }

    public static ObjectNode standingUsed(StandingApproval approval, String requestId, Instant at) {
        return StandingApprovals.used(approval, requestId, at);
    }

    // ---- state -------------------------------------------------------------------------------------------------

    /** A refused review: its reason and the detail the core journals. */
    public record Refusal(RefusalReason reason, String detail) {
    }

    /** One request's state as the core keeps it ({@link RequestState}), with the core's quorum and eligibility. */
    public static final class Request {
        private final RequestState state;

        public Request(ActionRequest request, Agent agent) {
            this.state = new RequestState(request, agent);
        }

        public void decide(Decision decision, RequestStatus status, Instant deadline, Instant decidedAt) {
            state.decide(decision, status, deadline, decidedAt);
        }

        public void breakGlass(BreakGlass how) {
            state.breakGlass(how);
        }

        public void addVote(Vote vote) {
            state.addVote(vote);
        }

        public void close(RequestStatus status, Instant at) {
            state.close(status, at);
        }

        public void issueGrant(Grant grant) {
            state.issueGrant(grant);
        }

        public void consumeGrant(Instant at) {
            state.consumeGrant(at);
        }

        public void reportExecution(ExecutionReport report) {
            state.reportExecution(report);
        }

        public ActionRequest request() {
            return state.request();
        }

        public Agent agent() {
            return state.agent();
        }

        public Decision decision() {
            return state.decision();
        }

        public RequestStatus status() {
            return state.status();
        }

        public Instant deadline() {
            return state.deadline();
        }

        public List<Vote> votes() {
            return state.votes();
        }

        public RequestView view() {
            return state.view();
        }

        /** Whether the votes so far meet the route ({@link Quorum#isMet}). */
        public boolean quorumMet() {
            return Quorum.isMet(state.decision().route(), state.votes(), state.escalationLevel());
        }

        /** Whether the denials so far reject the request. */
        public boolean rejected() {
            return Quorum.denials(state.votes()) >= state.decision().route().denialsToReject();
        }

        /** Why the core would refuse this reviewer's vote now, or {@code null} if it would accept it. */
        public Refusal refusal(Reviewer reviewer, ReviewEvidence evidence) {
            return Eligibility.check(state.view(), reviewer, evidence)
                    .map(r -> new Refusal(r.reason(), r.detail())).orElse(null);
        }
    }

    /** The core's per-agent, per-action counts the policy sees ({@link ActivityCounts}). */
    public static final class Activity {
        private final ActivityCounts counts = new ActivityCounts();

        /** {today, lastHour} before this request, which is then counted. */
        public long[] countAndRecord(String agent, String action, Instant at) {
            ActivityCounts.Counts before = counts.countAndRecord(agent, action, at);
            return new long[] {before.today(), before.lastHour()};
        }
    }

    // ---- the core's start-up replay, without side effects -------------------------------------------------------

    /**
     * {@link ApprovalEngine}'s {@code recover()} replay, entry by entry, into the same structures (projection of open
     * requests, closed request ids, idempotency keys, activity counts, standing approvals), without appending
     * repairs, scheduling timers or publishing: to check that every entry of a generated journal projects, to count
     * what a node would hold after start, and to time that replay in-process.
     */
    public static final class Replay {
        private final Map<String, RequestState> replaying = new HashMap<>();
        private final Set<String> awaitingGrant = new HashSet<>();
        private final Set<String> archived = new HashSet<>();
        private final ActivityCounts activity = new ActivityCounts();
        private final StandingApprovals standing = new StandingApprovals();
        private final Map<String, String> idempotency = new HashMap<>();
        private long entries;

        public void apply(JournalEntry entry) {
            entries++;
            if (entry.type().startsWith("standing.")) {
                standing.apply(entry.type(), entry.data());
                if (!entry.type().equals(EntryTypes.STANDING_USED)) {
                    return;
                }
            } else if (entry.type().equals(EntryTypes.REQUEST_RECEIVED)) {
                String action = entry.data().path("action").path("action").asText();
                if (!action.startsWith(io.countersign.api.ApprovalService.RESERVED_ACTION_PREFIX)) {
                    activity.countAndRecord(entry.data().path("agent").path("id").asText(), action,
                            Instant.parse(entry.data().path("receivedAt").asText()));
                }
            }
            if (EntryTypes.followsClosing(entry.type())) {
                String id = entry.data().path("request").asText();
                if (!replaying.containsKey(id)) {
                    if (!archived.contains(id)) {
                        throw new IllegalStateException("entry " + entry.seq() + " (" + entry.type()
                                + ") names request " + id + ", which is neither open nor closed");
                    }
                    if (entry.type().equals(EntryTypes.GRANT_ISSUED)) {
                        awaitingGrant.remove(id);
                    }
                    return;
                }
            }
            RequestState state = Projection.apply(entry, replaying);
            if (state != null && state.status() != null && state.status().isTerminal()) {
                replaying.remove(state.request().id());
                archived.add(state.request().id());
                RequestView view = state.view();
                if (view.request().idempotencyKey() != null) {
                    idempotency.put(view.agent().id() + '\u0000' + view.request().idempotencyKey(), view.id());
                }
                if ((state.status() == RequestStatus.ALLOWED || state.status() == RequestStatus.APPROVED)
                        && !state.request().action().action().startsWith(
                                io.countersign.api.ApprovalService.RESERVED_ACTION_PREFIX)) {
                    awaitingGrant.add(state.request().id());
                }
            }
        }

        public long entries() {
            return entries;
        }

        /** Requests still open (pending, or received and never decided). */
        public int open() {
            return replaying.size();
        }

        public int pending() {
            return (int) replaying.values().stream().filter(s -> s.status() == RequestStatus.PENDING).count();
        }

        public int undecided() {
            return (int) replaying.values().stream().filter(s -> s.decision() == null).count();
        }

        public int closed() {
            return archived.size();
        }

        /** Closed requests allowed or approved whose grant entry is missing (a node would issue it on start). */
        public int awaitingGrant() {
            return awaitingGrant.size();
        }

        public int idempotencyKeys() {
            return idempotency.size();
        }

        public int standingApprovals() {
            return standing.all().size();
        }

        /** The receipt time of the oldest open request, or {@code null}. */
        public Instant oldestOpen() {
            return replaying.values().stream().map(s -> s.request().receivedAt()).min(Instant::compareTo)
                    .orElse(null);
        }
    }
}
