package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The §6 chain rules, on logs whose writer misbehaved: each log is otherwise valid (chained,
 * checkpointed, proven), so only the rule under test can catch it. req-a is the reviewed request, at
 * seqs 5, 7, 9, 11, 13, 15, 16, 17 (received, decided, review, review, approved, issued, consumed, executed).
 */
class ChainRulesTest {
    private static final long ISSUED_SEQ = 15;

    @TempDir
    Path dir;

    private final EvidenceFixture fixture = new EvidenceFixture();
    private final RequestScenario reviewed = fixture.reviewedRequest(StandardLog.REVIEWED);

    @Test
    void aGrantForAnotherActionThanTheApprovedOne_isCaught() throws Exception {
        String approved = (String) reviewed.data(EntryTypes.REQUEST_RECEIVED).get("digest");
        String other = EvidenceFixture.digest(Map.of("action", "db.drop-database"));
        reviewed.data(EntryTypes.GRANT_ISSUED).put("digest", other);

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq 15 (request req-a): grant.issued digest " + other
                + " differs from the request's " + approved), run.failures());
    }

    @Test
    void aGrantConsumedTwice_isCaught() throws Exception {
        reviewed.repeat(EntryTypes.GRANT_CONSUMED);

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq 17 (request req-a): grant grant-req-a consumed twice (first at seq 16)"),
                run.failures());
    }

    @Test
    void aGrantConsumedAgain_afterItsExecution_isCaught() throws Exception {
        reviewed.add(EntryTypes.GRANT_CONSUMED, new LinkedHashMap<>(reviewed.data(EntryTypes.GRANT_CONSUMED)));

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq 18 (request req-a): grant grant-req-a consumed twice (first at seq 16),"
                + " after the request finished (execution.reported at seq 17)"), run.failures());
    }

    @Test
    void aGrantConsumedAgain_isCaughtInTheRangeFromItsIssue_whereItsChainIsPartial() throws Exception {
        reviewed.add(EntryTypes.GRANT_CONSUMED, new LinkedHashMap<>(reviewed.data(EntryTypes.GRANT_CONSUMED)));
        StandardLog.build(fixture, reviewed, fixture.allowedRequest(StandardLog.ALLOWED));

        VerifyRun run = VerifyRun.of(StandardLog.range(fixture).write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("2 partial: req-a, req-b"), run.out());
        assertTrue(run.out().contains("FAIL rules seq 18 (request req-a): grant grant-req-a consumed twice (first at seq 16),"
                + " after the request finished (execution.reported at seq 17)"), run.failures());
    }

    @Test
    void aGrantConsumedAfterItExpired_isCaught() throws Exception {
        reviewed.data(EntryTypes.GRANT_CONSUMED).put("at", "2026-11-22T10:05:00.001Z");

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq 16 (request req-a): consumed at 2026-11-22T10:05:00.001Z, after the grant"
                + " expired at 2026-11-22T10:05:00Z"), run.failures());
    }

    @Test
    void aGrantEntryCarryingItsToken_isCaught() throws Exception {
        reviewed.data(EntryTypes.GRANT_ISSUED).put("token", "eyJhbGciOiJFZERTQSJ9.e30.c2ln");

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL grant seq " + ISSUED_SEQ + " (request req-a): grant.issued carries a bearer token;"
                + " tokens must not be journaled"), run.failures());
    }

    @Test
    void aGrantWhoseTimesAreNotWholeSecondsOrOutOfOrder_isCaught() throws Exception {
        Map<String, Object> grant = reviewed.data(EntryTypes.GRANT_ISSUED);
        grant.put("issuedAt", "2026-11-22T10:00:00.015Z");
        grant.put("expiresAt", "2026-11-22T09:55:00Z");

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq " + ISSUED_SEQ + " (request req-a): issuedAt 2026-11-22T10:00:00.015Z"
                + " is not a whole second"), run.failures());
        assertTrue(run.out().contains("FAIL rules seq " + ISSUED_SEQ + " (request req-a): issuedAt 2026-11-22T10:00:00.015Z"
                + " is after expiresAt 2026-11-22T09:55:00Z"), run.failures());
    }

    @Test
    void aGrantForAnotherAgentThanTheRequester_isCaught() throws Exception {
        reviewed.data(EntryTypes.GRANT_ISSUED).put("agent", "agent-9");

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq " + ISSUED_SEQ + " (request req-a): the grant is for agent agent-9"
                + " but action.requester is agent-7"), run.failures());
    }

    @Test
    void aReviewByTheRequester_isCaught() throws Exception {
        reviewed.data(EntryTypes.REVIEW_ACCEPTED, 0).put("reviewer", EvidenceFixture.AGENT);

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq 9 (request req-a): review by the requester agent-7"), run.failures());
    }

    @Test
    void aReviewByThePrincipalTheAgentActsFor_isCaught() throws Exception {
        reviewed.data(EntryTypes.REVIEW_ACCEPTED, 1).put("reviewer", EvidenceFixture.REQUESTER_PRINCIPAL);

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq 11 (request req-a): review by alice, on whose behalf the request was made"),
                run.failures());
    }

    @Test
    void aRequestWhoseDigestIsNotThatOfItsAction_isCaught() throws Exception {
        Map<String, Object> received = reviewed.data(EntryTypes.REQUEST_RECEIVED);
        @SuppressWarnings("unchecked")
        Map<String, Object> action = new LinkedHashMap<>((Map<String, Object>) received.get("action"));
        action.put("resource", "prod/customers");
        received.put("action", action);

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq 5 (request req-a): digest " + received.get("digest")
                + " does not match the RFC 8785 digest of the action, " + EvidenceFixture.digest(action)), run.failures());
    }

    @Test
    void aGrantIssuedWithoutApproval_isCaught() throws Exception {
        reviewed.steps.removeIf(step -> step.type().equals(EntryTypes.REQUEST_APPROVED));

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("grant.issued without a policy ALLOW or a request.approved before it"), run.failures());
    }

    @Test
    void aGrantNamingOtherApprovers_isCaught() throws Exception {
        reviewed.data(EntryTypes.GRANT_ISSUED).put("approvers", List.of("bob", "dave"));

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("approvers [bob, dave] are not the reviewers whose approvals were accepted, [bob, carol]"),
                run.failures());
    }

    @Test
    void aGrantConsumedByAnotherAgent_isCaught() throws Exception {
        reviewed.data(EntryTypes.GRANT_CONSUMED).put("by", "agent-9");

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL rules seq 16 (request req-a): consumed by agent-9 but the grant is for agent agent-7"),
                run.failures());
    }

    @Test
    void messagesAboutARequest_evenAfterItFinished_takeNoPartInTheChainRules() throws Exception {
        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("notification", "n-1");
        sent.put("channel", "slack");
        sent.put("reviewer", "carol");
        sent.put("kind", "update");
        sent.put("at", "2026-11-22T10:00:30Z");
        reviewed.add("notification.sent", sent);
        Map<String, Object> refused = new LinkedHashMap<>();
        refused.put("channel", "teams");
        refused.put("code", "jwt-expired");
        refused.put("detail", "the token expired");
        refused.put("at", "2026-11-22T10:00:31Z");
        reviewed.add("channel.refused", refused);

        VerifyRun run = verifyReviewedRequest();

        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void aReviewStepAfterTheRequestFinished_isStillCaught_besideMessages() throws Exception {
        reviewed.add("notification.sent", new LinkedHashMap<>(Map.of("channel", "slack", "kind", "update")));
        reviewed.add(EntryTypes.REVIEW_ACCEPTED, new LinkedHashMap<>(reviewed.data(EntryTypes.REVIEW_ACCEPTED)));

        VerifyRun run = verifyReviewedRequest();

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("review.accepted after the request finished"), run.failures());
    }

    private VerifyRun verifyReviewedRequest() throws Exception {
        StandardLog.build(fixture, reviewed, fixture.allowedRequest(StandardLog.ALLOWED));
        return VerifyRun.of(fixture.requestBundle(StandardLog.REVIEWED).write(dir));
    }
}
