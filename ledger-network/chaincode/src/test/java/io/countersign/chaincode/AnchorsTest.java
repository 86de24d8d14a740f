package io.countersign.chaincode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnchorsTest {

    private static final String OPERATOR = "OperatorMSP";
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final InMemoryLedger ledger = new InMemoryLedger();
    private final TestLog log = new TestLog("countersign.test/4f1c9a2e");
    private TestLog.Key key;

    @BeforeEach
    void registerAKey() throws Exception {
        key = log.newKey(T0);
        ledger.transact(OPERATOR, T0, anchors -> anchors.registerKeys(log.listing()));
        log.append(100);
    }

    private JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    private String anchor(String batch) {
        return ledger.transact(OPERATOR, T0.plusSeconds(60), anchors -> anchors.anchor(batch));
    }

    private Refusal refused(String mspId, Function<Anchors, ?> body) {
        TreeMap<String, String> before = new TreeMap<>(ledger.committed);
        Refusal refusal = assertThrows(Refusal.class, () -> ledger.transact(mspId, T0.plusSeconds(60), body));
        assertEquals(before, ledger.committed, "a refused transaction wrote something");
        return refusal;
    }

    private Refusal refusedAnchor(String batch) {
        return refused(OPERATOR, anchors -> anchors.anchor(batch));
    }

    private String segment(int from, int to, int second) throws Exception {
        return log.segment(from, to, log.checkpoint(to, T0.plusSeconds(second), key));
    }

    @Test
    void theFirstBatchIsAnchoredAndItsSegmentAndHeadAreStored() throws Exception {
        JsonNode result = json(anchor(log.batch(segment(0, 10, 1))));
        assertEquals(0, result.get("from").asLong());
        assertEquals(10, result.get("to").asLong());
        assertEquals("tx2", result.get("txId").asText());

        JsonNode head = json(ledger.transact(OPERATOR, T0, anchors -> anchors.head(log.origin)));
        assertEquals(10, head.get("size").asLong());
        assertEquals(Base64.getEncoder().encodeToString(log.root(10)), head.get("root").asText());
        assertEquals(1, head.get("segments").asLong());
        assertTrue(!head.has("frontier"), "Head leaves the frontier out");

        JsonNode segment = json(ledger.transact(OPERATOR, T0, anchors -> anchors.segmentOf(log.origin, "3")));
        assertEquals(0, segment.get("from").asLong());
        assertEquals(log.hashes(0, 10), segment.get("entryHashes").asText());
        assertEquals(OPERATOR, segment.get("mspId").asText());
        assertEquals(T0.plusSeconds(60).toString(), segment.get("txTime").asText());
    }

    @Test
    void consecutiveBatchesAndBatchesOfSeveralSegmentsContinueTheTree() throws Exception {
        anchor(log.batch(segment(0, 1, 1)));
        anchor(log.batch(segment(1, 7, 2), segment(7, 33, 3), segment(33, 34, 4)));
        anchor(log.batch(segment(34, 100, 5)));
        JsonNode head = json(ledger.transact(OPERATOR, T0, anchors -> anchors.head(log.origin)));
        assertEquals(100, head.get("size").asLong());
        assertEquals(5, head.get("segments").asLong());
        assertEquals(Base64.getEncoder().encodeToString(log.root(100)), head.get("root").asText());
    }

    @Test
    void segmentOfFindsTheSegmentOfEverySeqAtAndAroundTheBoundaries() throws Exception {
        anchor(log.batch(segment(0, 10, 1), segment(10, 11, 2), segment(11, 30, 3)));
        Map<Integer, Integer> segmentStartOfSeq = Map.of(0, 0, 9, 0, 10, 10, 11, 11, 29, 11);
        for (Map.Entry<Integer, Integer> expected : segmentStartOfSeq.entrySet()) {
            JsonNode segment = json(ledger.transact(OPERATOR, T0,
                    anchors -> anchors.segmentOf(log.origin, expected.getKey().toString())));
            assertEquals(expected.getValue().longValue(), segment.get("from").asLong(), "seq " + expected.getKey());
        }
        Refusal beyond = refused(OPERATOR, anchors -> anchors.segmentOf(log.origin, "30"));
        assertEquals("not-anchored", beyond.code());
        assertTrue(beyond.getMessage().contains("30 entries are"), beyond.getMessage());
        assertEquals("malformed", refused(OPERATOR, anchors -> anchors.segmentOf(log.origin, "-1")).code());
    }

    @Test
    void aBatchThatLeavesAGapIsRefused() throws Exception {
        anchor(log.batch(segment(0, 10, 1)));
        Refusal refusal = refusedAnchor(log.batch(segment(11, 20, 2)));
        assertEquals("gap", refusal.code());
        assertTrue(refusal.getMessage().contains("entries 10 to 10 would be missing"), refusal.getMessage());
    }

    @Test
    void aBatchThatOverlapsWhatIsAnchoredIsRefused() throws Exception {
        anchor(log.batch(segment(0, 10, 1)));
        Refusal refusal = refusedAnchor(log.batch(segment(5, 20, 2)));
        assertEquals("overlap", refusal.code());
        assertTrue(refusal.getMessage().contains("anchored size 10"), refusal.getMessage());
        assertEquals("overlap", refusedAnchor(log.batch(segment(0, 10, 1))).code(), "the same batch twice");
    }

    @Test
    void segmentsOfABatchMustFollowEachOther() throws Exception {
        assertEquals("not-consecutive", refusedAnchor(log.batch(segment(0, 10, 1), segment(11, 20, 2))).code());
        assertEquals("malformed", refusedAnchor(log.batch(segment(0, 10, 1), log.segment(10, 10,
                log.checkpoint(10, T0.plusSeconds(2), key)))).code());
    }

    @Test
    void hashesOfTheWrongLengthAreMalformed() throws Exception {
        String checkpoint = log.checkpoint(10, T0.plusSeconds(1), key);
        String shortHashes = "{\"from\":0,\"to\":10,\"entryHashes\":\"" + log.hashes(0, 9) + "\",\"checkpoint\":"
                + TestLog.quoted(checkpoint) + "}";
        Refusal refusal = refusedAnchor(log.batch(shortHashes));
        assertEquals("malformed", refusal.code());
        assertTrue(refusal.getMessage().contains("288 bytes"), refusal.getMessage());
        assertEquals("malformed", refusedAnchor("{\"origin\":\"" + log.origin + "\"}").code());
        assertEquals("malformed", refusedAnchor("not json").code());
    }

    @Test
    void aForgedCheckpointIsRefused() throws Exception {
        String genuine = log.checkpoint(10, T0.plusSeconds(1), key);
        String forgedRoot = genuine.replaceFirst("\n[A-Za-z0-9+/=]{44}\n",
                "\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        Refusal refusal = refusedAnchor(log.batch(log.segment(0, 10, forgedRoot)));
        assertEquals("bad-checkpoint", refusal.code());
        assertTrue(refusal.getMessage().contains("does not verify"), refusal.getMessage());
    }

    @Test
    void aCheckpointByAKeyThatIsNotRegisteredIsRefused() throws Exception {
        TestLog.Key stranger = new TestLog(log.origin).newKey(T0);
        Refusal refusal = refusedAnchor(log.batch(log.segment(0, 10,
                log.checkpoint(10, T0.plusSeconds(1), stranger))));
        assertEquals("bad-checkpoint", refusal.code());
        assertTrue(refusal.getMessage().contains("no signature by a key registered"), refusal.getMessage());
    }

    @Test
    void aCheckpointOfAnotherOriginOrSizeIsRefused() throws Exception {
        Refusal otherOrigin = refusedAnchor(log.batch(log.segment(0, 10,
                log.checkpoint("elsewhere/1", 10, log.root(10), T0.plusSeconds(1), key))));
        assertEquals("bad-checkpoint", otherOrigin.code());
        assertTrue(otherOrigin.getMessage().contains("elsewhere/1"), otherOrigin.getMessage());
        Refusal otherSize = refusedAnchor(log.batch(log.segment(0, 10, log.checkpoint(11, T0.plusSeconds(1), key))));
        assertEquals("bad-checkpoint", otherSize.code());
        assertTrue(otherSize.getMessage().contains("size 11"), otherSize.getMessage());
    }

    @Test
    void checkpointsOutsideTheirKeysValidityOrOlderThanTheAnchoredOneAreRefused() throws Exception {
        Refusal early = refusedAnchor(log.batch(log.segment(0, 10, log.checkpoint(10, T0.minusSeconds(1), key))));
        assertEquals("bad-checkpoint", early.code());
        assertTrue(early.getMessage().contains("outside the validity"), early.getMessage());

        anchor(log.batch(segment(0, 10, 5)));
        Refusal older = refusedAnchor(log.batch(segment(10, 20, 4)));
        assertEquals("bad-checkpoint", older.code());
        assertTrue(older.getMessage().contains("before the anchored checkpoint"), older.getMessage());

        TestLog.Key retired = log.retire(key, T0.plusSeconds(10));
        ledger.transact(OPERATOR, T0.plusSeconds(11), anchors -> anchors.registerKeys(log.listing()));
        Refusal afterRetirement = refusedAnchor(log.batch(log.segment(10, 20,
                log.checkpoint(20, T0.plusSeconds(11), retired))));
        assertEquals("bad-checkpoint", afterRetirement.code());
        anchor(log.batch(log.segment(10, 20, log.checkpoint(20, T0.plusSeconds(10), retired))));
    }

    @Test
    void hashesThatDoNotGiveTheCheckpointsRootAreRefused() throws Exception {
        anchor(log.batch(segment(0, 10, 1)));
        String checkpoint = log.checkpoint(20, T0.plusSeconds(2), key);
        log.entryHashes.set(15, new byte[32]);
        Refusal refusal = refusedAnchor(log.batch(log.segment(10, 20, checkpoint)));
        assertEquals("root-mismatch", refusal.code());
    }

    @Test
    void onlyTheOwnerOfAnOriginAnchorsOrRegistersKeysForIt() throws Exception {
        String batch = log.batch(segment(0, 10, 1));
        assertEquals("not-owner", refused("ComplianceMSP", anchors -> anchors.anchor(batch)).code());
        log.newKey(T0.plusSeconds(1));
        assertEquals("not-owner", refused("ComplianceMSP", anchors -> anchors.registerKeys(log.listing())).code());
        TestLog unknown = new TestLog("never-registered/1");
        assertEquals("not-registered", refused(OPERATOR, anchors -> anchors.anchor(unknown.batch(
                "{\"from\":0,\"to\":1,\"entryHashes\":\"\",\"checkpoint\":\"\"}"))).code());
    }

    @Test
    void registeredKeysAreNeverOverwrittenButMayBeRetiredOnce() throws Exception {
        assertEquals(0, json(ledger.transact(OPERATOR, T0, anchors -> anchors.registerKeys(log.listing())))
                .get("registered").asInt(), "the same listing again registers nothing");
        TestLog.Key retired = log.retire(key, T0.plusSeconds(30));
        assertEquals(1, json(ledger.transact(OPERATOR, T0, anchors -> anchors.registerKeys(log.listing())))
                .get("registered").asInt());
        log.retire(retired, T0.plusSeconds(40));
        assertEquals("key-conflict", refused(OPERATOR, anchors -> anchors.registerKeys(log.listing())).code());

        String otherCreation = log.listing().replace(T0.toString(), T0.plusSeconds(1).toString());
        assertEquals("key-conflict", refused(OPERATOR, anchors -> anchors.registerKeys(otherCreation)).code());
    }

    @Test
    void aKeyListedTwiceDifferentlyIsAConflict() throws Exception {
        TestLog.Key second = log.newKey(T0.plusSeconds(5));
        String listing = log.listing();
        String secondJson = log.keyJson(second);
        String twice = listing.replace("]}", "," + secondJson.replace(T0.plusSeconds(5).toString(),
                T0.plusSeconds(6).toString()) + "]}");
        assertEquals("key-conflict", refused(OPERATOR, anchors -> anchors.registerKeys(twice)).code());
    }

    @Test
    void sizesThatWouldOverflowAndNumbersThatAreNotIntegersAreMalformed() throws Exception {
        String checkpoint = log.checkpoint(10, T0.plusSeconds(1), key);
        // 32 x (2^59 + 1) overflows to 32: one hash would pass a multiplied length check
        long huge = (1L << 59) + 1;
        String overflowing = "{\"from\":0,\"to\":" + huge + ",\"entryHashes\":\"" + log.hashes(0, 1)
                + "\",\"checkpoint\":" + TestLog.quoted(checkpoint) + "}";
        assertEquals("malformed", refusedAnchor(log.batch(overflowing)).code());
        String fractional = log.segment(0, 10, checkpoint).replace("\"to\":10", "\"to\":10.0");
        assertEquals("malformed", refusedAnchor(log.batch(fractional)).code());
        anchor(log.batch(segment(0, 10, 1)));
        assertEquals("malformed", refused(OPERATOR, anchors -> anchors.segmentOf(log.origin, "+5")).code());
        assertEquals("malformed", refused(OPERATOR, anchors -> anchors.segmentOf(log.origin, "05")).code());
        String tooLarge = log.checkpoint(10, T0.plusSeconds(2), key).replaceFirst("\n10\n", "\n9999999999999999999\n");
        assertEquals("bad-checkpoint", refusedAnchor(log.batch(log.segment(10, 20, tooLarge))).code());
    }

    @Test
    void keysWhoseIdOrNameOrAlgorithmIsWrongAreRefused() throws Exception {
        String listing = log.listing();
        assertEquals("bad-key", refused(OPERATOR, anchors -> anchors.registerKeys(
                listing.replace(key.keyId(), "00000000"))).code());
        assertEquals("bad-key", refused(OPERATOR, anchors -> anchors.registerKeys(
                listing.replace("\"Ed25519\"", "\"ECDSA\""))).code());
        assertEquals("bad-key", refused(OPERATOR, anchors -> anchors.registerKeys(
                listing.replace("\"name\":\"" + log.origin, "\"name\":\"other"))).code());
    }

    @Test
    void keysListsTheRegisteredKeysOldestFirst() throws Exception {
        TestLog.Key second = log.newKey(T0.plusSeconds(5));
        ledger.transact(OPERATOR, T0, anchors -> anchors.registerKeys(log.listing()));
        JsonNode keys = json(ledger.transact(OPERATOR, T0, anchors -> anchors.keys(log.origin)));
        assertEquals(log.origin, keys.get("origin").asText());
        assertEquals(key.keyId(), keys.get("keys").get(0).get("keyId").asText());
        assertEquals(second.keyId(), keys.get("keys").get(1).get("keyId").asText());
    }

    @Test
    void theHeadOfAnOriginWithNothingAnchoredIsEmpty() throws Exception {
        JsonNode head = json(ledger.transact(OPERATOR, T0, anchors -> anchors.head("nothing/here")));
        assertEquals(0, head.get("size").asLong());
        assertEquals("nothing/here", head.get("origin").asText());
    }

    @Test
    void theSameTransactionWritesTheSameBytesOnEveryPeer() throws Exception {
        String batch = log.batch(segment(0, 10, 1), segment(10, 40, 2));
        Instant time = T0.plusSeconds(60);
        TreeMap<String, String> first = ledger.writesOf(OPERATOR, time, "txA", anchors -> anchors.anchor(batch));
        TreeMap<String, String> second = ledger.writesOf(OPERATOR, time, "txA", anchors -> anchors.anchor(batch));
        assertEquals(first, second);
        for (String value : first.values()) {
            assertEquals(value, Json.canonical(json(value)), "stored JSON is canonical");
        }
    }

    @Test
    void theFrontierGivesTheRootOfAStraightforwardMerkleTreeForEverySizeAndSplit() {
        TestLog tree = new TestLog("frontier/test");
        tree.append(70);
        for (int split = 0; split <= 70; split += 7) {
            Frontier frontier = Frontier.empty();
            for (int size = 0; size <= 70; size++) {
                if (size == split) {
                    frontier = new Frontier(frontier.size(), frontier.roots());
                }
                assertArrayEquals(tree.root(size), frontier.root(LogKeys.sha256()), "size " + size);
                if (size < 70) {
                    frontier.appendEntryHash(LogKeys.sha256(), tree.entryHashes.get(size), 0);
                }
            }
        }
    }
}
