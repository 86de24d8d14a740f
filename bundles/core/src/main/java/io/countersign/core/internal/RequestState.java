package io.countersign.core.internal;

import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.ExecutionReport;
import io.countersign.api.Grant;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Vote;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The live state of one request. Changed only while holding its monitor, together with appending the journal entry
 * that records the change, so journal order and state order agree.
 */
final class RequestState {

    private final ActionRequest request;
    private final Agent agent;
    private final List<Vote> votes = new ArrayList<>();
    private Decision decision;
    private RequestStatus status;
    private Instant deadline;
    private Instant decidedAt;
    private long version;
    private Grant grant;
    private Instant grantConsumedAt;
    private ExecutionReport execution;
    private int escalationLevel;
    private io.countersign.api.BreakGlass breakGlass;
    private long[] seqs = new long[4];
    private int seqCount;

    RequestState(ActionRequest request, Agent agent) {
        this.request = request;
        this.agent = agent;
    }

    /** An independent copy, for the engine to change while the journal's follower keeps its own. */
    synchronized RequestState copy() {
        RequestState copy = new RequestState(request, agent);
        copy.votes.addAll(votes);
        copy.decision = decision;
        copy.status = status;
        copy.deadline = deadline;
        copy.decidedAt = decidedAt;
        copy.version = version;
        copy.grant = grant;
        copy.grantConsumedAt = grantConsumedAt;
        copy.execution = execution;
        copy.escalationLevel = escalationLevel;
        copy.breakGlass = breakGlass;
        copy.seqs = seqs.clone();
        copy.seqCount = seqCount;
        return copy;
    }

    void decide(Decision decision, RequestStatus status, Instant deadline, Instant decidedAt) {
        this.decision = decision;
        this.status = status;
        this.deadline = deadline;
        this.decidedAt = decidedAt;
        version++;
    }

    void escalate(int level) {
        escalationLevel = level;
        version++;
    }

    void breakGlass(io.countersign.api.BreakGlass how) {
        breakGlass = how;
    }

    int escalationLevel() {
        return escalationLevel;
    }

    void addVote(Vote vote) {
        votes.add(vote);
        version++;
    }

    void close(RequestStatus terminal, Instant at) {
        status = terminal;
        decidedAt = at;
        version++;
    }

    void issueGrant(Grant issued) {
        grant = issued;
        version++;
    }

    void consumeGrant(Instant at) {
        grantConsumedAt = at;
        version++;
    }

    void reportExecution(ExecutionReport report) {
        execution = report;
        version++;
    }

    /** Remembers where one of this request's entries is in the journal, so a closed request can be read back. */
    synchronized void recordSeq(long seq) {
        if (seqCount == seqs.length) {
            seqs = java.util.Arrays.copyOf(seqs, seqCount * 2);
        }
        seqs[seqCount++] = seq;
    }

    synchronized long[] seqs() {
        return java.util.Arrays.copyOf(seqs, seqCount);
    }

    ActionRequest request() {
        return request;
    }

    Agent agent() {
        return agent;
    }

    Decision decision() {
        return decision;
    }

    RequestStatus status() {
        return status;
    }

    Instant deadline() {
        return deadline;
    }

    List<Vote> votes() {
        return votes;
    }

    RequestView view() {
        return new RequestView(request, agent, decision, status, votes, deadline, decidedAt, version, grant,
                grantConsumedAt, execution, escalationLevel, breakGlass);
    }
}
