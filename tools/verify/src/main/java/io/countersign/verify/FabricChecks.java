package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Evidence-format §9.5: every entry of the bundle must be anchored on Fabric with the hash the bundle gives it,
 * under a checkpoint that verifies, in a transaction committed as valid.
 */
final class FabricChecks {

    /** One anchoring transaction as the report names it. */
    record Transaction(String txId, long block, long from, long to) {
    }

    /** What Fabric confirmed: per request, the transactions that anchor its entries. */
    record Summary(long anchoredEntries, long entries, List<Transaction> transactions,
                   Map<String, List<String>> transactionsByRequest) {
    }

    private record Anchorable(long seq, byte[] hash, String request) {
    }

    private static final int VALID = 0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Findings findings;
    private final List<Anchorable> entries = new ArrayList<>();

    FabricChecks(Findings findings) {
        this.findings = findings;
    }

    /** Called for every entry, possibly from several threads. */
    synchronized void accept(Entry entry) {
        if (entry.seq() >= 0 && entry.hash() != null) {
            entries.add(new Anchorable(entry.seq(), entry.hash(), entry.request()));
        }
    }

    Summary verify(String origin, List<Checkpoint> bundleCheckpoints, KeyRing keys, FabricLedger ledger)
            throws InputException {
        entries.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        Map<Long, Checkpoint> bundleBySize = new HashMap<>();
        bundleCheckpoints.forEach(checkpoint -> bundleBySize.putIfAbsent(checkpoint.size(), checkpoint));
        Map<String, Transaction> transactions = new LinkedHashMap<>();
        Map<String, TreeSet<String>> byRequest = new TreeMap<>();
        JsonNode segment = null;
        byte[] hashes = null;
        long anchored = 0;
        for (Anchorable entry : entries) {
            if (segment == null || entry.seq() >= segment.path("to").asLong()
                    || entry.seq() < segment.path("from").asLong()) {
                String record = ledger.segmentOf(origin, entry.seq());
                if (record == null) {
                    findings.add(Failure.atSeq("fabric", entry.seq(), "the entry is not anchored on Fabric"));
                    segment = null;
                    continue;
                }
                segment = parse(record);
                hashes = checkSegment(segment, entry.seq(), origin, keys, bundleBySize);
                String txId = segment.path("txId").asText();
                if (!transactions.containsKey(txId)) {
                    transactions.put(txId, checkTransaction(txId, segment, ledger, entry.seq()));
                } else {
                    Transaction known = transactions.get(txId);
                    transactions.put(txId, new Transaction(txId, known.block(), Math.min(known.from(),
                            segment.path("from").asLong()), Math.max(known.to(), segment.path("to").asLong())));
                }
            }
            if (hashes == null) {
                continue;
            }
            int offset = (int) (entry.seq() - segment.path("from").asLong()) * 32;
            byte[] anchoredHash = Arrays.copyOfRange(hashes, offset, offset + 32);
            String txId = segment.path("txId").asText();
            if (!Arrays.equals(anchoredHash, entry.hash())) {
                findings.add(Failure.atSeq("fabric", entry.seq(), "the anchored hash differs: the bundle's entry hashes"
                        + " to " + hex(entry.hash()) + ", Fabric transaction " + txId + " anchored "
                        + hex(anchoredHash)));
                continue;
            }
            anchored++;
            if (entry.request() != null) {
                byRequest.computeIfAbsent(entry.request(), request -> new TreeSet<>()).add(txId);
            }
        }
        Map<String, List<String>> requests = new TreeMap<>();
        byRequest.forEach((request, txIds) -> requests.put(request, List.copyOf(txIds)));
        return new Summary(anchored, entries.size(), List.copyOf(transactions.values()), requests);
    }

    /** The segment's hashes, or null (with a failure) when the segment itself cannot be trusted. */
    private byte[] checkSegment(JsonNode segment, long seq, String origin, KeyRing keys,
                                Map<Long, Checkpoint> bundleBySize) {
        long from = segment.path("from").asLong(-1);
        long to = segment.path("to").asLong(-1);
        byte[] hashes;
        byte[] root;
        try {
            hashes = Base64.getDecoder().decode(segment.path("entryHashes").asText());
            root = Base64.getDecoder().decode(segment.path("root").asText());
        } catch (IllegalArgumentException e) {
            findings.add(Failure.atSeq("fabric", seq, "the segment anchoring it has hashes that are not base64"));
            return null;
        }
        if (from < 0 || to <= from || seq < from || seq >= to || hashes.length != 32L * (to - from)
                || !origin.equals(segment.path("origin").asText())) {
            findings.add(Failure.atSeq("fabric", seq, "Fabric answered with a segment that does not hold it: "
                    + "origin " + segment.path("origin").asText() + ", entries " + from + " to " + (to - 1)));
            return null;
        }
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.parse(segment.path("checkpoint").asText());
        } catch (RuntimeException e) {
            findings.add(Failure.atSeq("fabric", seq, "the checkpoint of its segment does not parse: "
                    + e.getMessage()));
            return null;
        }
        String signatureProblem = CheckpointSignature.problem(checkpoint, keys);
        if (signatureProblem != null) {
            findings.add(Failure.atSeq("fabric", seq, "the checkpoint of its segment (size " + checkpoint.size()
                    + ") does not verify: " + signatureProblem));
            return null;
        }
        if (checkpoint.size() != to || !Arrays.equals(checkpoint.root(), root)) {
            findings.add(Failure.atSeq("fabric", seq, "its segment ends at " + to + " with root " + hex(root)
                    + " but the segment's checkpoint is of size " + checkpoint.size() + " with root "
                    + hex(checkpoint.root())));
            return null;
        }
        Checkpoint sameSize = bundleBySize.get(to);
        if (sameSize != null && !Arrays.equals(sameSize.root(), checkpoint.root())) {
            findings.add(Failure.atCheckpoint("fabric", to, "forked view: the bundle's checkpoint of size " + to
                    + " has root " + hex(sameSize.root()) + " but the one anchored on Fabric has "
                    + hex(checkpoint.root())));
            return null;
        }
        return hashes;
    }

    private Transaction checkTransaction(String txId, JsonNode segment, FabricLedger ledger, long seq)
            throws InputException {
        int code = ledger.validationCode(txId);
        if (code != VALID) {
            findings.add(Failure.atSeq("fabric", seq, "Fabric transaction " + txId
                    + " that anchors it was not committed as valid (validation code " + code + ")"));
        }
        return new Transaction(txId, ledger.blockOf(txId), segment.path("from").asLong(), segment.path("to").asLong());
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static JsonNode parse(String record) throws InputException {
        try {
            return JSON.readTree(record);
        } catch (IOException e) {
            throw new InputException("Fabric answered SegmentOf with something not JSON: " + e.getMessage(), e);
        }
    }
}
