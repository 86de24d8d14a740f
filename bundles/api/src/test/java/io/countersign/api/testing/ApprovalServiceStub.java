package io.countersign.api.testing;

import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.ApprovalService;
import io.countersign.api.ChannelEvent;
import io.countersign.api.ExecutionReport;
import io.countersign.api.Grant;
import io.countersign.api.GrantResult;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Submission;
import io.countersign.api.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * An {@link ApprovalService} of which a test uses only a part: every method throws
 * {@link UnsupportedOperationException}, so a fake extends this and overrides just what the code under test calls. A
 * call to anything else fails loudly rather than answering something plausible. The interface's default
 * {@code review} without evidence is left as it is: it goes to the five-argument {@code review}.
 */
public abstract class ApprovalServiceStub implements ApprovalService {

    protected ApprovalServiceStub() {
    }

    /** What every method not overridden throws. */
    protected static UnsupportedOperationException notUsed(String method) {
        return new UnsupportedOperationException("ApprovalService." + method + " is not used by this test");
    }

    @Override
    public CompletionStage<Submission> submit(Agent agent, ActionSubmission submission, String idempotencyKey) {
        throw notUsed("submit");
    }

    @Override
    public CompletionStage<RequestView> raise(Agent raisedBy, ActionSubmission submission, ReviewRoute route,
                                              String reason) {
        throw notUsed("raise");
    }

    @Override
    public CompletionStage<io.countersign.api.StandingApproval> grantStanding(Reviewer approver,
            io.countersign.api.StandingApprovalSpec spec) {
        throw notUsed("grantStanding");
    }

    @Override
    public CompletionStage<Optional<io.countersign.api.StandingApproval>> revokeStanding(Reviewer by, String id) {
        throw notUsed("revokeStanding");
    }

    @Override
    public io.countersign.api.RequesterActivity activity(String agentId, String action) {
        throw notUsed("activity");
    }

    @Override
    public List<io.countersign.api.StandingApproval> standingApprovals() {
        throw notUsed("standingApprovals");
    }

    @Override
    public Optional<RequestView> find(String requestId) {
        throw notUsed("find");
    }

    @Override
    public CompletionStage<Optional<RequestView>> awaitChange(String requestId, long seenVersion, Duration maxWait) {
        throw notUsed("awaitChange");
    }

    @Override
    public List<RequestView> pendingFor(Reviewer reviewer) {
        throw notUsed("pendingFor");
    }

    @Override
    public List<RequestView> pending() {
        throw notUsed("pending");
    }

    @Override
    public CompletionStage<Optional<ReviewResult>> review(Reviewer reviewer, String requestId, Verdict verdict,
                                                          String comment, ReviewEvidence evidence) {
        throw notUsed("review");
    }

    @Override
    public CompletionStage<Void> recordChannelEvent(ChannelEvent event) {
        throw notUsed("recordChannelEvent");
    }

    @Override
    public CompletionStage<GrantResult> consume(Agent agent, String token, ActionSubmission presented) {
        throw notUsed("consume");
    }

    @Override
    public CompletionStage<GrantResult> reportExecution(Agent agent, String requestId, ExecutionReport report) {
        throw notUsed("reportExecution");
    }

    @Override
    public String grantToken(Grant grant) {
        throw notUsed("grantToken");
    }

    @Override
    public List<Long> journalSeqs(String requestId) {
        throw notUsed("journalSeqs");
    }

    @Override
    public List<Long> mentions(String requestId) {
        throw notUsed("mentions");
    }

    @Override
    public void addListener(io.countersign.api.RequestListener listener) {
        throw notUsed("addListener");
    }

    @Override
    public void removeListener(io.countersign.api.RequestListener listener) {
        throw notUsed("removeListener");
    }
}
