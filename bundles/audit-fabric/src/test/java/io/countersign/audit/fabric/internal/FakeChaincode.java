package io.countersign.audit.fabric.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.LogKey;
import io.countersign.api.json.Jcs;
import io.countersign.api.json.KeyListing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code anchors} chaincode in memory, with its refusals (docs/evidence-format.md §9.3) as far as the anchorer
 * can provoke them, and faults a test can queue: Fabric down, a commit whose status never arrives.
 */
final class FakeChaincode implements AnchorLedger {

    enum Fault {
        /** The call fails as if the peer were down; nothing is written. */
        UNREACHABLE,
        /** The transaction commits, but the client never learns it (the commit status times out). */
        COMMITTED_BUT_UNREACHABLE
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    final String mspId;
    final List<AnchoredSegment> segments = new ArrayList<>();
    final Map<String, LogKey> keys = new LinkedHashMap<>();
    final Map<String, Long> blocks = new HashMap<>();
    final Deque<Fault> anchorFaults = new ArrayDeque<>();
    final List<String> batches = new ArrayList<>();
    boolean down;
    int registrations;
    private long nextBlock = 7;
    private int transactions;

    FakeChaincode(String mspId) {
        this.mspId = mspId;
    }

    long size() {
        return segments.isEmpty() ? 0 : segments.get(segments.size() - 1).to();
    }

    /** Stores a segment as another writer would have, bypassing every check. */
    void anchoredElsewhere(long from, long to, byte[] entryHashes, byte[] root, String txId) {
        segments.add(new AnchoredSegment(from, to, entryHashes, "elsewhere", root, txId, mspId));
        blocks.put(txId, nextBlock++);
    }

    @Override
    public AnchorHead head(String origin) throws FabricException {
        checkUp("Head");
        if (segments.isEmpty()) {
            return AnchorHead.empty();
        }
        AnchoredSegment last = segments.get(segments.size() - 1);
        return new AnchorHead(last.to(), last.root(), last.txId());
    }

    @Override
    public AnchoredSegment segmentOf(String origin, long seq) throws FabricException {
        checkUp("SegmentOf");
        return segments.stream().filter(segment -> segment.to() > seq).findFirst().orElseThrow(() ->
                refused("not-anchored", "entry " + seq + " is not anchored"));
    }

    @Override
    public String keys(String origin) throws FabricException {
        checkUp("Keys");
        return Jcs.canonicalString(KeyListing.toJson(origin, List.copyOf(keys.values())));
    }

    @Override
    public void registerKeys(String listing) throws FabricException {
        checkUp("RegisterKeys");
        registrations++;
        for (LogKey key : KeyListing.keys(parse(listing))) {
            keys.put(key.keyId(), key);
        }
        transaction();
    }

    @Override
    public AnchorTransaction anchor(String batchJson) throws FabricException {
        checkUp("Anchor");
        Fault fault = anchorFaults.poll();
        if (fault == Fault.UNREACHABLE) {
            throw FabricException.unreachable("Anchor: UNAVAILABLE (injected)", null);
        }
        JsonNode batch = parse(batchJson);
        if (keys.isEmpty()) {
            throw refused("not-registered", "no key");
        }
        long expected = size();
        long from = batch.get("segments").get(0).get("from").asLong();
        if (from < expected) {
            throw refused("overlap", "anchored size " + expected);
        }
        if (from > expected) {
            throw refused("gap", "anchored size " + expected);
        }
        List<AnchoredSegment> added = new ArrayList<>();
        String txId = "tx-" + (transactions + 1);
        for (JsonNode segment : batch.get("segments")) {
            long start = segment.get("from").asLong();
            long to = segment.get("to").asLong();
            byte[] hashes = Base64.getDecoder().decode(segment.get("entryHashes").asText());
            String note = segment.get("checkpoint").asText();
            if (start != expected) {
                throw refused("not-consecutive", "segment starts at " + start);
            }
            if (hashes.length != 32 * (to - start) || FakeCheckpoints.sizeOf(note) != to) {
                throw refused("malformed", "segment " + start + "-" + to);
            }
            if (!keys.containsKey(FakeCheckpoints.keyIdOf(note))) {
                throw refused("bad-checkpoint", "key " + FakeCheckpoints.keyIdOf(note)
                        + " is not registered");
            }
            added.add(new AnchoredSegment(start, to, hashes, note, FakeCheckpoints.rootFor(to), txId, mspId));
            expected = to;
        }
        segments.addAll(added);
        batches.add(batchJson);
        long block = transaction();
        blocks.put(txId, block);
        if (fault == Fault.COMMITTED_BUT_UNREACHABLE) {
            throw FabricException.unreachable("Anchor transaction " + txId + " (commit status): DEADLINE_EXCEEDED",
                    null);
        }
        return new AnchorTransaction(txId, block);
    }

    private long transaction() {
        transactions++;
        return nextBlock++;
    }

    @Override
    public long blockOf(String txId) throws FabricException {
        checkUp("GetBlockByTxID");
        Long block = blocks.get(txId);
        if (block == null) {
            throw FabricException.failed("no transaction " + txId, null);
        }
        return block;
    }

    private static FabricException refused(String code, String detail) {
        return FabricException.refused(code, "refused: " + code + ": " + detail);
    }

    private void checkUp(String call) throws FabricException {
        if (down) {
            throw FabricException.unreachable(call + ": UNAVAILABLE io exception", null);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
    }
}
