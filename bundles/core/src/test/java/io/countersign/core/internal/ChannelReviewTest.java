package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ChannelEvent;
import io.countersign.api.GroupQuorum;
import io.countersign.api.JournalEntry;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Votes that arrive through a review channel: their evidence, replays, the digest shown, and channel events. */
class ChannelReviewTest {

    private static final Reviewer BOB = new Reviewer("bob", Set.of("data-owners"));
    private static final Reviewer CAROL = new Reviewer("carol", Set.of("data-owners"));

    @TempDir
    Path dir;

    private static EngineFixture twoApprovals(Path dir) {
        return new EngineFixture(dir, request -> EngineFixture.review(Duration.ofHours(1), 1,
                new GroupQuorum("data-owners", 2)));
    }

    private static RequestView submit(EngineFixture fixture) throws Exception {
        return fixture.engine().submit(EngineFixture.AGENT, EngineFixture.submission("data.export", List.of("alice")),
                null).toCompletableFuture().get().view();
    }

    private static ReviewEvidence slack(String replayKey, String digest) {
        ObjectNode artifact = JsonNodeFactory.instance.objectNode().put("timestamp", "1700000000")
                .put("signature", "v0=abc").put("body", "payload=%7B%7D");
        return new ReviewEvidence("slack", replayKey, digest, artifact);
    }

    private static ReviewResult review(EngineFixture fixture, Reviewer reviewer, String id, ReviewEvidence evidence)
            throws Exception {
        return fixture.engine().review(reviewer, id, Verdict.APPROVE, null, evidence).toCompletableFuture().get()
                .orElseThrow();
    }

    private static List<JournalEntry> entries(EngineFixture fixture, String type) {
        return fixture.journal().read(0, 10_000).stream().filter(e -> e.type().equals(type)).toList();
    }

    @Test
    void aVoteKeepsItsChannelAndEvidenceInTheJournalAndAcrossARestart() throws Exception {
        try (EngineFixture fixture = twoApprovals(dir)) {
            RequestView pending = submit(fixture);
            review(fixture, BOB, pending.id(), slack("slack:T1:U1:1.1:2.2", pending.request().digest()));
            JournalEntry accepted = entries(fixture, "review.accepted").get(0);
            assertEquals("slack", accepted.data().path("channel").asText());
            assertEquals("slack:T1:U1:1.1:2.2", accepted.data().path("evidence").path("replayKey").asText());
            assertEquals(pending.request().digest(), accepted.data().path("evidence").path("digestShown").asText());
            assertEquals("v0=abc", accepted.data().path("evidence").path("artifact").path("signature").asText());

            fixture.restart();
            RequestView replayed = fixture.engine().find(pending.id()).orElseThrow();
            assertEquals("slack", replayed.votes().get(0).channel());
            assertEquals("slack:T1:U1:1.1:2.2", replayed.votes().get(0).evidence().replayKey());
        }
    }

    @Test
    void aReplayedClickIsRefusedEvenByAnotherReviewerAndAfterARestart() throws Exception {
        try (EngineFixture fixture = twoApprovals(dir)) {
            RequestView pending = submit(fixture);
            review(fixture, BOB, pending.id(), slack("slack:same-click", null));
            fixture.restart();
            ReviewResult again = review(fixture, CAROL, pending.id(), slack("slack:same-click", null));
            ReviewResult.Refused refused = assertInstanceOf(ReviewResult.Refused.class, again);
            assertEquals(RefusalReason.REPLAYED, refused.reason());
            assertEquals(1, fixture.engine().find(pending.id()).orElseThrow().votes().size(), "no state change");
            JournalEntry entry = entries(fixture, "review.refused").get(0);
            assertEquals("replayed", entry.data().path("reason").asText());
            assertEquals("slack", entry.data().path("channel").asText());
        }
    }

    @Test
    void aVoteForADigestTheRequestDoesNotHaveIsRefused() throws Exception {
        try (EngineFixture fixture = twoApprovals(dir)) {
            RequestView pending = submit(fixture);
            ReviewResult result = review(fixture, BOB, pending.id(), slack("k1", "sha256:" + "0".repeat(64)));
            assertEquals(RefusalReason.DIGEST_MISMATCH,
                    assertInstanceOf(ReviewResult.Refused.class, result).reason());
            assertTrue(fixture.engine().find(pending.id()).orElseThrow().votes().isEmpty());
        }
    }

    @Test
    void twoChannelsMakeAQuorumAndTheListenerSeesEveryDurableChange() throws Exception {
        try (EngineFixture fixture = twoApprovals(dir)) {
            List<RequestView> seen = new CopyOnWriteArrayList<>();
            fixture.engine().addListener(seen::add);
            RequestView pending = submit(fixture);
            assertEquals(List.of(pending.id()), fixture.engine().pending().stream().map(RequestView::id).toList());
            review(fixture, BOB, pending.id(), slack("k1", pending.request().digest()));
            review(fixture, CAROL, pending.id(), new ReviewEvidence("teams", "teams:activity-1",
                    pending.request().digest(), JsonNodeFactory.instance.objectNode().put("jwt", "e30.e30.sig")));
            RequestView approved = fixture.engine().find(pending.id()).orElseThrow();
            assertEquals(RequestStatus.APPROVED, approved.status());
            assertEquals(List.of("slack", "teams"), approved.votes().stream().map(v -> v.channel()).toList());
            assertTrue(fixture.engine().pending().isEmpty());
            long last = -1;
            for (RequestView view : seen) {
                assertTrue(view.version() > last, "versions only grow: " + seen);
                last = view.version();
            }
            assertEquals(approved.version(), last, "the listener saw the final, approved view");
        }
    }

    @Test
    void channelEventsAreJournaledAtABoundedRateAndTheSuppressedAreCounted() throws Exception {
        try (EngineFixture fixture = twoApprovals(dir)) {
            io.countersign.api.PolicyEngine unused = new io.countersign.api.PolicyEngine() {
                @Override
                public io.countersign.api.Decision decide(io.countersign.api.ActionRequest request,
                                                         io.countersign.api.Agent agent,
                                                         io.countersign.api.PolicyContext context) {
                    throw new AssertionError("no request is submitted");
                }

                @Override
                public String version() {
                    return "sha256:test";
                }
            };
            ApprovalEngine engine = new ApprovalEngine(fixture.journal(), unused, fixture.keys(),
                    Duration.ofMinutes(15), 1, java.time.Clock.systemUTC());
            ChannelEvent forged = new ChannelEvent("slack", ChannelEvent.Kind.REFUSED, "bad-signature",
                    "the signature does not match", "req-1", null,
                    JsonNodeFactory.instance.objectNode().put("bodySha256", "sha256:00"));
            for (int i = 0; i < 10; i++) {
                engine.recordChannelEvent(forged).toCompletableFuture().get();
            }
            List<JournalEntry> refused = entries(fixture, "channel.refused");
            assertEquals(2, refused.size(), "a burst of twice the rate is journaled, the rest is counted");
            assertEquals("bad-signature", refused.get(0).data().path("code").asText());
            assertEquals("req-1", refused.get(0).data().path("request").asText());
            Thread.sleep(1100);
            engine.recordChannelEvent(forged).toCompletableFuture().get();
            List<JournalEntry> after = entries(fixture, "channel.refused");
            assertEquals("suppressed", after.get(2).data().path("code").asText());
            assertEquals(8, after.get(2).data().path("count").asLong());
            assertEquals("bad-signature", after.get(3).data().path("code").asText());
            engine.close();
        }
    }
}
