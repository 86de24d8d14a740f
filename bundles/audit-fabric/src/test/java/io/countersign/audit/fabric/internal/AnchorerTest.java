package io.countersign.audit.fabric.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AnchorerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WINDOW = Duration.ofMillis(1000);

    private final MemoryJournal journal = new MemoryJournal();
    private final FakeKeys keys = new FakeKeys("test.example/anchors");
    private final FakeCheckpoints checkpoints = new FakeCheckpoints(keys, journal);
    private final FakeChaincode fabric = new FakeChaincode("OperatorMSP");
    private final List<AnchorCommit> commits = new ArrayList<>();

    private Anchorer anchorer(int maxBatchEntries) {
        return new Anchorer(journal, checkpoints, keys, fabric, new AnchorSettings("countersign", "anchors",
                "OperatorMSP", WINDOW, maxBatchEntries, Duration.ofMillis(500), Duration.ofMillis(30_000)),
                Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC), commits::add);
    }

    private Anchorer anchorer() {
        return anchorer(100_000);
    }

    /** Appends {@code count} events and signs a checkpoint of the journal. */
    private void signAfter(int count) {
        journal.appendEvents(count);
        checkpoints.sign();
    }

    private List<JournalEntry> confirmations() {
        return journal.ofType(Confirmation.TYPE);
    }

    private byte[] journalHashes(long from, long to) {
        return JournalRange.read(journal, from, to).entryHashes();
    }

    private static List<Long> sizes(JsonNode array) {
        List<Long> sizes = new ArrayList<>();
        array.forEach(size -> sizes.add(size.asLong()));
        return sizes;
    }

    @Nested
    class Batching {

        @Test
        void eachSegmentEndsAtACheckpoint_andOneTransactionAnchorsThemAll() {
            signAfter(3);
            signAfter(4);
            signAfter(3);

            Optional<Duration> next = anchorer().step();

            assertEquals(List.of(0L, 3L, 7L), fabric.segments.stream().map(AnchoredSegment::from).toList());
            assertEquals(List.of(3L, 7L, 10L), fabric.segments.stream().map(AnchoredSegment::to).toList());
            assertEquals(1, fabric.batches.size());
            for (AnchoredSegment segment : fabric.segments) {
                assertEquals(checkpoints.ofSize(segment.to()).orElseThrow().note(), segment.checkpoint());
                assertArrayEquals(journalHashes(segment.from(), segment.to()), segment.entryHashes());
            }
            assertTrue(next.orElseThrow().compareTo(WINDOW) <= 0 && !next.get().isZero());
        }

        @Test
        void theConfirmationNamesTheBatchTheTransactionAndItsBlock() {
            signAfter(3);
            signAfter(4);

            anchorer().step();

            List<JournalEntry> confirmations = confirmations();
            assertEquals(1, confirmations.size());
            ObjectNode data = confirmations.get(0).data();
            assertEquals(7, confirmations.get(0).seq());
            assertEquals(0, data.get("from").asLong());
            assertEquals(7, data.get("to").asLong());
            assertEquals(List.of(3L, 7L), sizes(data.get("checkpoints")));
            assertEquals(Base64.getEncoder().encodeToString(FakeCheckpoints.rootFor(7)), data.get("root").asText());
            assertEquals("countersign", data.get("channel").asText());
            assertEquals("anchors", data.get("chaincode").asText());
            String txId = fabric.segments.get(0).txId();
            assertEquals(txId, data.get("txId").asText());
            assertEquals((long) fabric.blocks.get(txId), data.get("block").asLong());
            assertEquals("OperatorMSP", data.get("mspId").asText());
            assertEquals(List.of(new AnchorCommit(0, 7, txId, fabric.blocks.get(txId),
                    Instant.parse("2026-11-22T12:00:00Z"), true)), commits);
        }

        @Test
        void aBatchStopsBeforeItWouldExceedMaxBatchEntries_andTheRestFollowsAtOnce() {
            signAfter(3);
            signAfter(4);
            signAfter(3);
            Anchorer anchorer = anchorer(5);

            assertEquals(Optional.of(Duration.ZERO), anchorer.step());
            assertEquals(AnchorState.BACKLOGGED, anchorer.status().state());
            assertEquals(3, fabric.size());
            assertEquals(Optional.of(Duration.ZERO), anchorer.step());
            assertEquals(7, fabric.size());
            anchorer.step();
            assertEquals(10, fabric.size());

            assertEquals(AnchorState.ANCHORING, anchorer.status().state());
            assertEquals(List.of(3L, 7L, 10L), confirmations().stream().map(e -> e.data().get("to").asLong()).toList());
        }

        @Test
        void aSegmentLargerThanMaxBatchEntriesIsAnchoredWhole() {
            signAfter(10);

            anchorer(4).step();

            assertEquals(1, fabric.segments.size());
            assertEquals(10, fabric.size());
        }

        @Test
        void aBatchOfNothingButConfirmationsIsConfirmedByNoEntry_soAnIdleNodeStops() {
            signAfter(5);
            Anchorer anchorer = anchorer();
            anchorer.step();
            assertEquals(6, journal.size());
            checkpoints.sign();

            anchorer.step();

            assertEquals(6, fabric.size());
            assertEquals(6, journal.size());
            assertEquals(1, confirmations().size());
            assertFalse(commits.get(1).confirmed());
            anchorer.step();
            assertEquals(2, fabric.batches.size());
            assertEquals(AnchorState.ANCHORING, anchorer.status().state());
        }

        @Test
        void aBatchMixingConfirmationsAndOtherEntriesIsConfirmed() {
            signAfter(5);
            Anchorer anchorer = anchorer();
            anchorer.step();
            signAfter(1);

            anchorer.step();

            assertEquals(7, fabric.size());
            assertEquals(2, confirmations().size());
            assertEquals(5, confirmations().get(1).data().get("from").asLong());
        }

        @Test
        void nothingIsAnchoredBeforeTheFirstCheckpoint() {
            journal.appendEvents(4);
            Anchorer anchorer = anchorer();

            anchorer.step();

            assertEquals(0, fabric.batches.size());
            assertEquals(AnchorState.ANCHORING, anchorer.status().state());
            assertEquals(4, anchorer.status().backlog());
        }
    }

    @Nested
    class Keys {

        @Test
        void theKeysAreRegisteredBeforeTheFirstBatch() {
            signAfter(2);

            anchorer().step();

            assertEquals(1, fabric.registrations);
            assertEquals(keys.keys().get(0).keyId(), fabric.keys.keySet().iterator().next());
            assertEquals(2, fabric.size());
        }

        @Test
        void aRotatedKeyIsRegisteredBeforeACheckpointItSigned() {
            signAfter(2);
            Anchorer anchorer = anchorer();
            anchorer.step();
            keys.rotate();
            signAfter(2);

            anchorer.step();

            assertEquals(2, fabric.registrations);
            assertEquals(2, fabric.keys.size());
            assertTrue(fabric.keys.get(keys.keys().get(0).keyId()).retiredAt() != null);
            assertEquals(5, fabric.size());
            assertEquals(AnchorState.ANCHORING, anchorer.status().state());
        }

        @Test
        void keysFabricHoldsAlreadyAreNotRegisteredAgain() {
            keys.keys().forEach(key -> fabric.keys.put(key.keyId(), key));
            signAfter(2);

            anchorer().step();

            assertEquals(0, fabric.registrations);
            assertEquals(2, fabric.size());
        }
    }

    @Nested
    class Reconciliation {

        @Test
        void aCommitWhoseStatusWasLost_isConfirmedOnceAfterTheHeadIsReadAgain() {
            signAfter(4);
            fabric.anchorFaults.add(FakeChaincode.Fault.COMMITTED_BUT_UNREACHABLE);
            Anchorer anchorer = anchorer();

            assertEquals(Optional.of(Duration.ofMillis(500)), anchorer.step());
            assertEquals(AnchorState.UNREACHABLE, anchorer.status().state());
            assertEquals(0, confirmations().size());

            anchorer.step();
            anchorer.step();

            assertEquals(1, fabric.batches.size());
            assertEquals(1, confirmations().size());
            String txId = fabric.segments.get(0).txId();
            assertEquals(txId, confirmations().get(0).data().get("txId").asText());
            assertEquals((long) fabric.blocks.get(txId), confirmations().get(0).data().get("block").asLong());
            assertEquals(1, commits.size());
            assertEquals(AnchorState.ANCHORING, anchorer.status().state());
        }

        @Test
        void aCrashBetweenCommitAndJournaling_losesNoConfirmation() {
            signAfter(3);
            signAfter(2);
            fabric.anchoredElsewhere(0, 3, journalHashes(0, 3), FakeCheckpoints.rootFor(3), "tx-before-crash");
            fabric.anchoredElsewhere(3, 5, journalHashes(3, 5), FakeCheckpoints.rootFor(5), "tx-before-crash");

            anchorer().step();

            assertEquals(1, confirmations().size());
            ObjectNode data = confirmations().get(0).data();
            assertEquals("tx-before-crash", data.get("txId").asText());
            assertEquals(0, data.get("from").asLong());
            assertEquals(5, data.get("to").asLong());
            assertEquals(List.of(3L, 5L), sizes(data.get("checkpoints")));
            assertEquals((long) fabric.blocks.get("tx-before-crash"), data.get("block").asLong());
            assertEquals(0, fabric.batches.size());
        }

        @Test
        void confirmationsAlreadyJournaledAreNotRepeatedAfterARestart() {
            signAfter(3);
            anchorer().step();
            signAfter(2);
            Anchorer first = anchorer();
            first.step();
            long size = journal.size();

            Anchorer restarted = anchorer();
            restarted.step();

            assertEquals(size, journal.size());
            assertEquals(2, confirmations().size());
            assertEquals(AnchorState.ANCHORING, restarted.status().state());
        }

        @Test
        void aRestartAfterABatchOfConfirmationsOnly_journalsNothing() {
            signAfter(3);
            Anchorer first = anchorer();
            first.step();
            checkpoints.sign();
            first.step();
            assertEquals(4, fabric.size());

            anchorer().step();

            assertEquals(4, journal.size());
            assertEquals(1, confirmations().size());
        }

        @Test
        void onlyTheUnconfirmedTransactionsAfterTheNewestConfirmationAreRecorded() {
            signAfter(3);
            anchorer().step();
            signAfter(2);
            fabric.anchoredElsewhere(3, 6, journalHashes(3, 6), FakeCheckpoints.rootFor(6), "tx-unconfirmed");

            anchorer().step();

            assertEquals(List.of(3L, 6L), confirmations().stream().map(e -> e.data().get("to").asLong()).toList());
            assertEquals("tx-unconfirmed", confirmations().get(1).data().get("txId").asText());
        }

        @Test
        void aJournalFailureAfterACommit_isRetriedWithoutADuplicate() {
            signAfter(3);
            journal.failAppends(new IllegalStateException("disk full"));
            Anchorer anchorer = anchorer();

            anchorer.step();
            assertEquals(AnchorState.FAILING, anchorer.status().state());
            assertTrue(anchorer.status().lastError().contains("disk full"));
            journal.failAppends(null);
            anchorer.step();
            anchorer.step();

            assertEquals(1, fabric.batches.size());
            assertEquals(1, confirmations().size());
            assertNull(anchorer.status().lastError());
        }
    }

    @Nested
    class Conflicts {

        @Test
        void entriesAnchoredWithOtherHashes_stopAnchoring() {
            signAfter(3);
            signAfter(2);
            fabric.anchoredElsewhere(0, 3, new byte[96], FakeCheckpoints.rootFor(3), "tx-forged");
            Anchorer anchorer = anchorer();

            assertEquals(Optional.empty(), anchorer.step());

            assertEquals(AnchorState.CONFLICT, anchorer.status().state());
            assertTrue(anchorer.status().lastError().contains("entry 0"), anchorer.status().lastError());
            assertEquals(Optional.empty(), anchorer.step());
            assertEquals(0, fabric.batches.size());
            assertEquals(0, confirmations().size());
        }

        @Test
        void aHeadWhoseRootIsNotThisLogsCheckpointRoot_isAConflict() {
            signAfter(3);
            fabric.anchoredElsewhere(0, 3, journalHashes(0, 3), new byte[32], "tx-other-root");
            Anchorer anchorer = anchorer();

            anchorer.step();

            assertEquals(AnchorState.CONFLICT, anchorer.status().state());
        }

        @Test
        void aHeadBeyondTheJournal_isAConflict() {
            signAfter(3);
            fabric.anchoredElsewhere(0, 9, new byte[9 * 32], FakeCheckpoints.rootFor(9), "tx-longer");
            Anchorer anchorer = anchorer();

            anchorer.step();

            assertEquals(AnchorState.CONFLICT, anchorer.status().state());
            assertTrue(anchorer.status().lastError().contains("holds only 3"), anchorer.status().lastError());
        }

        @Test
        void anotherWriterAnchoringAnotherHistoryInBetween_isDetectedAfterTheOverlap() {
            signAfter(3);
            Anchorer anchorer = anchorer();
            anchorer.step();
            signAfter(2);
            fabric.anchoredElsewhere(3, 6, new byte[3 * 32], FakeCheckpoints.rootFor(6), "tx-intruder");

            anchorer.step();
            assertEquals(AnchorState.FAILING, anchorer.status().state());
            assertTrue(anchorer.status().lastError().contains("overlap"), anchorer.status().lastError());
            anchorer.step();

            assertEquals(AnchorState.CONFLICT, anchorer.status().state());
            assertEquals(1, confirmations().size());
        }

        @Test
        void fabricHoldingLessThanTheJournalConfirms_isAConflict() {
            signAfter(3);
            anchorer().step();
            fabric.segments.clear();

            Anchorer restarted = anchorer();
            restarted.step();

            assertEquals(AnchorState.CONFLICT, restarted.status().state());
            assertTrue(restarted.status().lastError().contains("lost anchors"), restarted.status().lastError());
        }

        @Test
        void aConfirmationNamingAnotherTransactionThanFabric_isAConflict() {
            signAfter(3);
            anchorer().step();
            AnchoredSegment anchored = fabric.segments.remove(0);
            fabric.anchoredElsewhere(anchored.from(), anchored.to(), anchored.entryHashes(), anchored.root(),
                    "tx-replayed");

            Anchorer restarted = anchorer();
            restarted.step();

            assertEquals(AnchorState.CONFLICT, restarted.status().state());
        }
    }

    @Nested
    class Faults {

        @Test
        void anUnreachableFabricIsRetriedWithBackoffUpToTheCap_thenAnchoringResumes() {
            signAfter(3);
            fabric.down = true;
            Anchorer anchorer = anchorer();

            List<Long> delays = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                delays.add(anchorer.step().orElseThrow().toMillis());
            }

            assertEquals(List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L), delays);
            assertEquals(AnchorState.UNREACHABLE, anchorer.status().state());
            assertEquals(-1, anchorer.status().anchoredSize());
            assertTrue(anchorer.status().lastError().contains("UNAVAILABLE"));
            journal.appendEvents(2);

            fabric.down = false;
            anchorer.step();

            assertEquals(AnchorState.ANCHORING, anchorer.status().state());
            assertEquals(3, fabric.size());
            checkpoints.sign();
            fabric.down = true;
            assertEquals(Optional.of(Duration.ofMillis(500)), anchorer.step());
        }

        @Test
        void anAnchorThatNeverReachedFabric_isSentAgain() {
            signAfter(3);
            fabric.anchorFaults.add(FakeChaincode.Fault.UNREACHABLE);
            Anchorer anchorer = anchorer();

            anchorer.step();
            anchorer.step();

            assertEquals(1, fabric.batches.size());
            assertEquals(1, confirmations().size());
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void itsThreadAnchorsUntilClosed_andCloseEndsAWaitAtOnce() throws Exception {
            signAfter(3);
            CountDownLatch committed = new CountDownLatch(1);
            Anchorer anchorer = new Anchorer(journal, checkpoints, keys, fabric, new AnchorSettings("countersign",
                    "anchors", "OperatorMSP", Duration.ofMinutes(10), 100, Duration.ofMillis(500),
                    Duration.ofMillis(30_000)), Clock.systemUTC(), commit -> committed.countDown());

            anchorer.start();
            assertTrue(committed.await(10, TimeUnit.SECONDS));
            long closing = System.nanoTime();
            anchorer.close();

            assertTrue(System.nanoTime() - closing < TimeUnit.SECONDS.toNanos(2));
            assertEquals(Optional.empty(), anchorer.step());
        }
    }

    @Nested
    class Status {

        @Test
        void theStatusSaysWhatIsAnchoredAndByWhichTransaction() throws Exception {
            signAfter(3);
            Anchorer anchorer = anchorer();
            anchorer.step();
            journal.appendEvents(2);

            JsonNode json = MAPPER.readTree(MAPPER.writeValueAsString(AnchorsRoute.toJson(anchorer.status())));

            assertEquals("anchoring", json.get("state").asText());
            assertEquals(3, json.get("anchoredSize").asLong());
            assertEquals(6, json.get("journalSize").asLong());
            assertEquals(3, json.get("checkpointSize").asLong());
            assertEquals(3, json.get("backlog").asLong());
            assertEquals(fabric.segments.get(0).txId(), json.get("lastTxId").asText());
            assertEquals((long) fabric.blocks.get(fabric.segments.get(0).txId()), json.get("lastBlock").asLong());
            assertEquals("2026-11-22T12:00:00Z", json.get("lastAnchoredAt").asText());
            assertTrue(json.get("lastError").isNull());
            assertEquals("countersign", json.get("channel").asText());
            assertEquals("anchors", json.get("chaincode").asText());
            assertEquals("OperatorMSP", json.get("mspId").asText());
        }

        @Test
        void beforeFabricAnswersTheSizesAreUnknown() {
            fabric.down = true;
            Anchorer anchorer = anchorer();
            anchorer.step();

            JsonNode json = AnchorsRoute.toJson(anchorer.status());

            assertEquals("unreachable", json.get("state").asText());
            assertTrue(json.get("anchoredSize").isNull());
            assertTrue(json.get("backlog").isNull());
        }
    }
}
