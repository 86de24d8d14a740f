package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.Passkey;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.StepUp;
import io.countersign.api.Verdict;
import io.countersign.api.testing.SoftwareAuthenticator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approvals of a step-up route count only with a passkey assertion bound to the request and its digest. */
class StepUpTest {

    private static final String RP_ID = "console.example.com";
    private static final String ORIGIN = "https://console.example.com";
    private static final Reviewer BOB = new Reviewer("bob", Set.of("security"));
    private static final Reviewer CAROL = new Reviewer("carol", Set.of("security"));

    @TempDir
    Path dir;

    private static EngineFixture stepUp(Path dir) {
        return new EngineFixture(dir, request -> new Decision(Outcome.REVIEW, List.of("needs a passkey"),
                List.of("IAM admin"), "v1", new ReviewRoute(List.of(new GroupQuorum("security", 1)),
                Duration.ofHours(1), 1, List.of(), List.of(), true)));
    }

    private static RequestView submit(EngineFixture fixture) throws Exception {
        return fixture.engine().submit(EngineFixture.AGENT, EngineFixture.submission("iam.admin.grant",
                List.of("alice")), null).toCompletableFuture().get().view();
    }

    private static ReviewResult vote(EngineFixture fixture, Reviewer reviewer, String id, Verdict verdict,
                                     ReviewEvidence evidence) throws Exception {
        return fixture.engine().review(reviewer, id, verdict, verdict == Verdict.DENY ? "no" : null, evidence)
                .toCompletableFuture().get().orElseThrow();
    }

    private static ReviewEvidence console(SoftwareAuthenticator authenticator, RequestView view) {
        return authenticator.assertion(StepUp.challenge(view.id(), view.request().digest()))
                .evidence("console", view.request().digest());
    }

    private static String refusal(ReviewResult result) {
        ReviewResult.Refused refused = assertInstanceOf(ReviewResult.Refused.class, result);
        assertEquals(RefusalReason.STEP_UP_REQUIRED, refused.reason());
        return refused.detail();
    }

    private static List<JournalEntry> entries(EngineFixture fixture, String type) {
        return fixture.journal().read(0, 10_000).stream().filter(e -> e.type().equals(type)).toList();
    }

    @Test
    void theRouteSaysStepUpInThePolicyDecidedEntryAndAfterARestart() throws Exception {
        try (EngineFixture fixture = stepUp(dir)) {
            RequestView pending = submit(fixture);
            assertTrue(entries(fixture, "policy.decided").get(0).data().path("route").path("stepUp").asBoolean());
            fixture.restart();
            assertTrue(fixture.engine().find(pending.id()).orElseThrow().decision().route().stepUp());
        }
    }

    @Test
    void anApprovalWithoutAPasskeyIsRefusedAndSaysToRegisterOne() throws Exception {
        try (EngineFixture fixture = stepUp(dir)) {
            RequestView pending = submit(fixture);
            String detail = refusal(vote(fixture, BOB, pending.id(), Verdict.APPROVE, ReviewEvidence.api()));
            assertTrue(detail.contains("bob has registered no passkey"), detail);
            assertEquals(RequestStatus.PENDING, fixture.engine().find(pending.id()).orElseThrow().status());
            assertEquals("step-up-required", entries(fixture, "review.refused").get(0).data().path("reason").asText());
        }
    }

    @Test
    void anApprovalWithTheAssertionCountsAndIsJournaledWhole() throws Exception {
        try (EngineFixture fixture = stepUp(dir)) {
            SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID, ORIGIN);
            fixture.engine().register(authenticator.passkey("bob", "laptop", Instant.parse("2026-12-07T00:00:00Z")))
                    .toCompletableFuture().get();
            RequestView pending = submit(fixture);
            refusal(vote(fixture, BOB, pending.id(), Verdict.APPROVE, ReviewEvidence.api()));
            ReviewEvidence evidence = console(authenticator, pending);
            ReviewResult result = vote(fixture, BOB, pending.id(), Verdict.APPROVE, evidence);
            assertEquals(RequestStatus.APPROVED, assertInstanceOf(ReviewResult.Accepted.class, result).view().status());
            JournalEntry accepted = entries(fixture, "review.accepted").get(0);
            assertEquals(StepUp.Assertion.of(evidence).orElseThrow().toJson(),
                    accepted.data().path("evidence").path("artifact").path("stepUp"));
            JournalEntry registered = entries(fixture, "passkey.registered").get(0);
            assertEquals("bob", registered.data().path("reviewer").asText());
            assertEquals(-7, registered.data().path("algorithm").asLong());
            assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(authenticator.coseKey()),
                    registered.data().path("publicKey").asText());
            assertEquals(RP_ID, registered.data().path("rpId").asText());
            List<Long> seqs = fixture.engine().journalSeqs(pending.id());
            assertEquals(registered.seq(), (long) seqs.get(0), "the request's evidence carries the registration");
            assertEquals(seqs.stream().sorted().toList(), seqs);
        }
    }

    @Test
    void denialsNeedNoStepUp() throws Exception {
        try (EngineFixture fixture = stepUp(dir)) {
            RequestView pending = submit(fixture);
            ReviewResult result = vote(fixture, BOB, pending.id(), Verdict.DENY, ReviewEvidence.api());
            assertEquals(RequestStatus.DENIED, assertInstanceOf(ReviewResult.Accepted.class, result).view().status());
        }
    }

    @Test
    void anAssertionForAnotherRequestAnotherOriginOrWithoutUserVerificationIsRefused() throws Exception {
        try (EngineFixture fixture = stepUp(dir)) {
            SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID, ORIGIN);
            fixture.engine().register(authenticator.passkey("bob", "laptop", Instant.now())).toCompletableFuture()
                    .get();
            RequestView pending = submit(fixture);
            RequestView other = submit(fixture);
            String digest = pending.request().digest();
            assertTrue(refusal(vote(fixture, BOB, pending.id(), Verdict.APPROVE, console(authenticator, other)))
                    .contains("challenge is not this request's"));
            byte[] challenge = StepUp.challenge(pending.id(), digest);
            assertTrue(refusal(vote(fixture, BOB, pending.id(), Verdict.APPROVE, authenticator.assertion(challenge,
                    SoftwareAuthenticator.USER_PRESENT, "webauthn.get", ORIGIN).evidence("console", digest)))
                    .contains("did not verify the user"));
            assertTrue(refusal(vote(fixture, BOB, pending.id(), Verdict.APPROVE, authenticator.assertion(challenge,
                    SoftwareAuthenticator.USER_PRESENT | SoftwareAuthenticator.USER_VERIFIED, "webauthn.get",
                    "https://evil.example")
                    .evidence("console", digest))).contains("origin 'https://evil.example'"));
            assertTrue(refusal(vote(fixture, BOB, pending.id(), Verdict.APPROVE, authenticator.assertion(challenge,
                    SoftwareAuthenticator.USER_PRESENT | SoftwareAuthenticator.USER_VERIFIED, "webauthn.create",
                    ORIGIN).evidence("console", digest))).contains("not 'webauthn.get'"));
            assertEquals(RequestStatus.PENDING, fixture.engine().find(pending.id()).orElseThrow().status());
        }
    }

    @Test
    void anAlteredSignatureAnotherReviewersPasskeyOrAStaleCounterIsRefused() throws Exception {
        try (EngineFixture fixture = stepUp(dir)) {
            SoftwareAuthenticator bobs = new SoftwareAuthenticator(RP_ID, ORIGIN);
            fixture.engine().register(bobs.passkey("bob", "laptop", Instant.now())).toCompletableFuture().get();
            RequestView pending = submit(fixture);
            StepUp.Assertion good = bobs.assertion(StepUp.challenge(pending.id(), pending.request().digest()));
            byte[] signature = StepUp.Assertion.bytes(good.signature());
            signature[signature.length - 1] ^= 1;
            StepUp.Assertion altered = new StepUp.Assertion(good.credentialId(), good.authenticatorData(),
                    good.clientDataJson(), Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
            assertTrue(refusal(vote(fixture, BOB, pending.id(), Verdict.APPROVE,
                    altered.evidence("console", pending.request().digest()))).contains("signature does not verify"));
            assertTrue(refusal(vote(fixture, CAROL, pending.id(), Verdict.APPROVE,
                    good.evidence("console", pending.request().digest()))).contains("not a passkey carol registered"));

            RequestView second = submit(fixture);
            bobs.rewindCounter(0);
            assertTrue(refusal(vote(fixture, BOB, second.id(), Verdict.APPROVE, console(bobs, pending)))
                    .contains("challenge"));
            assertInstanceOf(ReviewResult.Accepted.class, vote(fixture, BOB, pending.id(), Verdict.APPROVE,
                    good.evidence("console", pending.request().digest())));
            fixture.restart();
            bobs.rewindCounter(0);
            String detail = refusal(vote(fixture, BOB, second.id(), Verdict.APPROVE, console(bobs, second)));
            assertTrue(detail.contains("counter 1 did not move on from 1"), detail);
        }
    }

    @Test
    void aCredentialIsRegisteredOnceAndTheListSurvivesARestart() throws Exception {
        try (EngineFixture fixture = stepUp(dir)) {
            SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID, ORIGIN);
            Passkey passkey = authenticator.passkey("bob", "laptop", Instant.parse("2026-12-07T00:00:00Z"));
            fixture.engine().register(passkey).toCompletableFuture().get();
            ExecutionException twice = assertThrows(ExecutionException.class,
                    () -> fixture.engine().register(passkey).toCompletableFuture().get());
            assertInstanceOf(IllegalArgumentException.class, twice.getCause());
            fixture.restart();
            assertEquals(List.of(passkey), fixture.engine().of("bob"));
            assertFalse(fixture.engine().of("carol").iterator().hasNext());
        }
    }
}
