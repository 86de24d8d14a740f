package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionRequest;
import io.countersign.api.ActionSubmission;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.ExecutionOutcome;
import io.countersign.api.ExecutionReport;
import io.countersign.api.Grant;
import io.countersign.api.GrantRefusal;
import io.countersign.api.GrantResult;
import io.countersign.api.GroupQuorum;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.RequestView;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grants: bound to the exact action, single use, expiring, journaled at every step. */
class GrantTest {

    private static final ActionSubmission EXPORT = EngineFixture.submission("data.export", List.of("alice"));

    @TempDir
    Path dir;

    private static Decision allow() {
        return new Decision(Outcome.ALLOW, List.of("read-only"), List.of("allow reads"), "sha256:test", null);
    }

    private static Grant allowedGrant(EngineFixture fixture) throws Exception {
        RequestView view = fixture.engine().submit(EngineFixture.AGENT, EXPORT, null).toCompletableFuture().get()
                .view();
        assertNotNull(view.grant(), "an allowed request comes with its grant");
        return view.grant();
    }

    private static GrantResult consume(EngineFixture fixture, Agent agent, String token, ActionSubmission action)
            throws Exception {
        return fixture.engine().consume(agent, token, action).toCompletableFuture().get();
    }

    private static List<String> types(EngineFixture fixture) {
        return fixture.journal().read(0, 10_000).stream().map(JournalEntry::type).toList();
    }

    private static GrantRefusal refusal(GrantResult result) {
        return assertInstanceOf(GrantResult.Refused.class, result).reason();
    }

    @Test
    void theExactActionConsumesItsGrantOnce() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            Grant grant = allowedGrant(fixture);
            assertEquals(List.of(), grant.approvers());
            assertEquals(EngineFixture.AGENT.id(), grant.agent());

            GrantResult first = consume(fixture, EngineFixture.AGENT, grant.token(), EXPORT);
            RequestView after = assertInstanceOf(GrantResult.Done.class, first).view();
            assertNotNull(after.grantConsumedAt());
            assertEquals(GrantRefusal.ALREADY_CONSUMED,
                    refusal(consume(fixture, EngineFixture.AGENT, grant.token(), EXPORT)));
            assertEquals(List.of("request.received", "policy.decided", "grant.issued", "grant.consumed",
                    "grant.refused"), types(fixture));
            JournalEntry consumed = fixture.journal().read(3, 1).get(0);
            assertEquals(grant.id(), consumed.data().path("grant").asText());
            assertEquals(grant.digest(), consumed.data().path("digest").asText());
        }
    }

    @Test
    void anEditedActionCannotUseTheOriginalApproval() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            Grant grant = allowedGrant(fixture);
            ActionSubmission edited = new ActionSubmission(EXPORT.action(), EXPORT.resource(),
                    JsonNodeFactory.instance.objectNode().put("rows", 50_001), EXPORT.environment(),
                    EXPORT.onBehalfOf(), EXPORT.justification());
            ActionSubmission elsewhere = new ActionSubmission(EXPORT.action(), "warehouse.payroll",
                    EXPORT.parameters(), EXPORT.environment(), EXPORT.onBehalfOf(), EXPORT.justification());

            assertEquals(GrantRefusal.ACTION_MISMATCH, refusal(consume(fixture, EngineFixture.AGENT, grant.token(),
                    edited)));
            assertEquals(GrantRefusal.ACTION_MISMATCH, refusal(consume(fixture, EngineFixture.AGENT, grant.token(),
                    elsewhere)));
            JournalEntry refused = fixture.journal().read(3, 1).get(0);
            assertEquals("grant.refused", refused.type());
            assertEquals("action-mismatch", refused.data().path("reason").asText());
            assertTrue(!refused.data().path("presentedDigest").asText().equals(grant.digest()));
            assertNull(fixture.engine().find(grant.requestId()).orElseThrow().grantConsumedAt(),
                    "a refused consumption changes nothing");

            assertInstanceOf(GrantResult.Done.class, consume(fixture, EngineFixture.AGENT, grant.token(), EXPORT),
                    "the approved action itself still runs");
        }
    }

    @Test
    void anExpiredGrantIsRefused() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            // After the keys exist: a grant's iat is never before its key was created.
            MovableClock clock = new MovableClock(Instant.now());
            fixture.restartWith(Duration.ofSeconds(60), clock);
            Grant grant = allowedGrant(fixture);
            assertEquals(grant.issuedAt().plusSeconds(60), grant.expiresAt());
            clock.now = grant.expiresAt().plusMillis(1);
            GrantResult result = consume(fixture, EngineFixture.AGENT, grant.token(), EXPORT);
            assertEquals(GrantRefusal.EXPIRED, refusal(result));
            assertTrue(((GrantResult.Refused) result).detail().contains(grant.expiresAt().toString()));
        }
    }

    @Test
    void concurrentConsumesOfOneGrantYieldExactlyOneSuccess() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 40; round++) {
                    Grant grant = allowedGrant(fixture);
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<GrantResult>> results = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        results.add(pool.submit(() -> {
                            start.await();
                            return consume(fixture, EngineFixture.AGENT, grant.token(), EXPORT);
                        }));
                    }
                    start.countDown();
                    int done = 0;
                    for (Future<GrantResult> result : results) {
                        if (result.get() instanceof GrantResult.Done) {
                            done++;
                        } else {
                            assertEquals(GrantRefusal.ALREADY_CONSUMED, refusal(result.get()));
                        }
                    }
                    assertEquals(1, done, "round " + round);
                }
                long consumed = types(fixture).stream().filter("grant.consumed"::equals).count();
                assertEquals(40, consumed, "one consumption journaled per grant");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anApprovedGrantNamesItsApprovers_andSurvivesARestart() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> EngineFixture.review(Duration.ofHours(1), 1,
                new GroupQuorum("data-owners", 2)))) {
            String id = fixture.engine().submit(EngineFixture.AGENT, EXPORT, null).toCompletableFuture().get()
                    .view().id();
            for (String reviewer : List.of("carol", "bob")) {
                fixture.engine().review(new Reviewer(reviewer, Set.of("data-owners")), id, Verdict.APPROVE, null)
                        .toCompletableFuture().get();
            }
            Grant grant = fixture.engine().find(id).orElseThrow().grant();
            assertEquals(List.of("bob", "carol"), grant.approvers());

            fixture.restart();
            Grant readBack = fixture.engine().find(id).orElseThrow().grant();
            assertNull(readBack.token(), "tokens are never journaled");
            assertEquals(grant.id(), readBack.id());
            assertEquals(grant.approvers(), readBack.approvers());
            assertEquals(grant.expiresAt(), readBack.expiresAt());
            assertEquals(grant.token(), fixture.engine().grantToken(readBack), "the reissued token is the same");
            assertInstanceOf(GrantResult.Done.class, consume(fixture, EngineFixture.AGENT, grant.token(), EXPORT));

            fixture.restart();
            assertEquals(GrantRefusal.ALREADY_CONSUMED,
                    refusal(consume(fixture, EngineFixture.AGENT, grant.token(), EXPORT)),
                    "consumption is replayed from the journal");
            List<String> typesOfRequest = fixture.engine().journalSeqs(id).stream()
                    .map(seq -> fixture.journal().read(seq, 1).get(0).type()).toList();
            assertEquals(List.of("request.received", "policy.decided", "review.accepted", "review.accepted",
                    "request.approved", "grant.issued", "grant.consumed", "grant.refused"), typesOfRequest);
        }
    }

    @Test
    void forgedOrForeignTokensAreRefused() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            Grant grant = allowedGrant(fixture);
            String[] parts = grant.token().split("\\.");
            Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            String widened = encoder.encodeToString(payload.replace(grant.digest(), "sha256:" + "0".repeat(64))
                    .getBytes(StandardCharsets.UTF_8));
            String none = encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"countersign-grant+jwt\"}"
                    .getBytes(StandardCharsets.UTF_8));

            assertEquals(GrantRefusal.INVALID_GRANT, refusal(consume(fixture, EngineFixture.AGENT,
                    parts[0] + "." + widened + "." + parts[2], EXPORT)));
            assertEquals(GrantRefusal.INVALID_GRANT, refusal(consume(fixture, EngineFixture.AGENT,
                    none + "." + parts[1] + ".", EXPORT)));
            assertEquals(GrantRefusal.INVALID_GRANT, refusal(consume(fixture, EngineFixture.AGENT, "not-a-token",
                    EXPORT)));
            Agent other = new Agent("ops-agent", List.of("alice"));
            assertEquals(GrantRefusal.NOT_YOURS, refusal(consume(fixture, other, grant.token(), EXPORT)));

            // 64 bytes take 86 characters whose last one has 4 unused bits: flipping one spells the same bytes.
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            int last = alphabet.indexOf(parts[2].charAt(parts[2].length() - 1));
            String sameBitsOtherSpelling = parts[2].substring(0, parts[2].length() - 1) + alphabet.charAt(last ^ 1);
            assertInvalid(fixture, parts[0] + "." + parts[1] + "." + sameBitsOtherSpelling, "canonical base64url");

            String unknownKid = encoder.encodeToString(("{\"alg\":\"EdDSA\",\"kid\":\"00000000\",\"typ\":"
                    + "\"countersign-grant+jwt\"}").getBytes(StandardCharsets.UTF_8));
            assertInvalid(fixture, unknownKid + "." + parts[1] + "." + parts[2], "not a key of this log");

            io.countersign.api.SigningKeys otherLog = io.countersign.signing.internal.KeyRing.open(
                    dir.resolve("other-log"), "other.example/log");
            String otherHeader = encoder.encodeToString(("{\"alg\":\"EdDSA\",\"kid\":\"" + otherLog.current().keyId()
                    + "\",\"typ\":\"countersign-grant+jwt\"}").getBytes(StandardCharsets.UTF_8));
            assertInvalid(fixture, signed(otherLog, otherHeader, parts[1]), "not a key of this log");

            String early = encoder.encodeToString(payload.replace("\"iat\":" + grant.issuedAt().getEpochSecond(),
                    "\"iat\":" + (grant.issuedAt().getEpochSecond() - 3600)).getBytes(StandardCharsets.UTF_8));
            assertInvalid(fixture, signed(fixture.keys(), parts[0], early), "was not the signing key at");
            assertNull(fixture.engine().find(grant.requestId()).orElseThrow().grantConsumedAt());
        }
    }

    @Test
    void aGrantIssuedBeforeAKeyRotationIsReissuedWithItsOwnKeyAfterARestart() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            Grant grant = allowedGrant(fixture);
            fixture.keys().rotate();
            Grant fresh = allowedGrant(fixture);
            assertTrue(!fresh.keyId().equals(grant.keyId()));
            fixture.restart();

            Grant readBack = fixture.engine().find(grant.requestId()).orElseThrow().grant();
            String reissued = fixture.engine().grantToken(readBack);
            assertEquals(grant.token(), reissued, "reissued by the retired key that first signed it");
            assertInstanceOf(GrantResult.Done.class, consume(fixture, EngineFixture.AGENT, reissued, EXPORT));
            assertInstanceOf(GrantResult.Done.class, consume(fixture, EngineFixture.AGENT, fresh.token(), EXPORT));
        }
    }

    @Test
    void anApprovalWhoseGrantWasNotJournaledBeforeACrashGetsItsGrantOnRestart() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            io.countersign.api.Action action = new io.countersign.api.Action(EXPORT.action(), EXPORT.resource(),
                    EXPORT.parameters(), EXPORT.environment(), EngineFixture.AGENT.id(), EXPORT.onBehalfOf());
            ActionRequest request = new ActionRequest("0b8f8d8e-3c1e-4d5c-9a59-8d2c3e4f5a6b", action,
                    EXPORT.justification(), io.countersign.api.json.ActionDigest.of(action), Instant.now(), null);
            fixture.journal().append(EntryTypes.REQUEST_RECEIVED, JournalCodec.received(request, EngineFixture.AGENT))
                    .join();
            fixture.journal().append(EntryTypes.POLICY_DECIDED, JournalCodec.decided(request.id(), allow(),
                    io.countersign.api.RequestStatus.ALLOWED, null, Instant.now())).join();

            fixture.restart();

            RequestView view = fixture.engine().find(request.id()).orElseThrow();
            assertNotNull(view.grant(), "the missing grant was issued on restart");
            assertEquals("grant.issued", types(fixture).get(types(fixture).size() - 1));
            assertInstanceOf(GrantResult.Done.class, consume(fixture, EngineFixture.AGENT,
                    fixture.engine().grantToken(view.grant()), EXPORT));
        }
    }

    @Test
    void anExecutionIsReportedOnceAndOnlyAfterConsumption() throws Exception {
        try (EngineFixture fixture = new EngineFixture(dir, request -> allow())) {
            Grant grant = allowedGrant(fixture);
            ExecutionReport report = new ExecutionReport(ExecutionOutcome.SUCCESS, "sha256:" + "a".repeat(64),
                    1200L, null, null);
            assertEquals(GrantRefusal.NOT_CONSUMED, refusal(fixture.engine()
                    .reportExecution(EngineFixture.AGENT, grant.requestId(), report).toCompletableFuture().get()));
            consume(fixture, EngineFixture.AGENT, grant.token(), EXPORT);
            RequestView reported = assertInstanceOf(GrantResult.Done.class, fixture.engine()
                    .reportExecution(EngineFixture.AGENT, grant.requestId(), report).toCompletableFuture().get())
                    .view();
            assertEquals(1200L, reported.execution().affected());
            assertNotNull(reported.execution().at(), "the server stamps the time");
            assertEquals(GrantRefusal.ALREADY_REPORTED, refusal(fixture.engine()
                    .reportExecution(EngineFixture.AGENT, grant.requestId(), report).toCompletableFuture().get()));
            fixture.restart();
            assertEquals(ExecutionOutcome.SUCCESS,
                    fixture.engine().find(grant.requestId()).orElseThrow().execution().outcome());
        }
    }

    private static void assertInvalid(EngineFixture fixture, String token, String why) throws Exception {
        GrantResult result = consume(fixture, EngineFixture.AGENT, token, EXPORT);
        assertEquals(GrantRefusal.INVALID_GRANT, refusal(result));
        String detail = ((GrantResult.Refused) result).detail();
        assertTrue(detail.contains(why), detail);
    }

    /** A token signed with {@code keys} over a header and payload of the caller's choosing. */
    private static String signed(io.countersign.api.SigningKeys keys, String header, String payload) {
        byte[] signature = keys.sign((header + "." + payload).getBytes(StandardCharsets.US_ASCII)).value();
        return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
