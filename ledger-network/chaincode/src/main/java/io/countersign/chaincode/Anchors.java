package io.countersign.chaincode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The anchoring rules of docs/evidence-format.md §9 over a {@link WorldState}. Every check of a transaction runs
 * before its first write, so a refusal writes nothing.
 */
final class Anchors {

    private static final int MAX_KEYS = 10_000;

    private final WorldState state;

    Anchors(WorldState state) {
        this.state = state;
    }

    // ---- keys

    String registerKeys(String listing) {
        ObjectNode request = Json.parseObject(listing, "the key listing");
        String origin = Json.text(request, "origin", "the key listing");
        JsonNode keys = request.get("keys");
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            throw Refusal.malformed("the key listing needs a non-empty array 'keys'");
        }
        String originKey = originKey(origin);
        JsonNode owner = stored(ownerKey(originKey));
        if (owner != null && !owner.get("mspId").asText().equals(state.callerMspId())) {
            throw notOwner(origin, owner);
        }
        Map<String, ObjectNode> writes = new LinkedHashMap<>();
        Map<String, ObjectNode> listed = new LinkedHashMap<>();
        for (JsonNode key : keys) {
            ObjectNode validated = LogKeys.validated(key, origin);
            String storageKey = "key/" + originKey + "/" + validated.get("keyId").asText();
            JsonNode existing = stored(storageKey);
            ObjectNode sameListing = listed.putIfAbsent(storageKey, validated);
            if (sameListing != null && !sameListing.equals(validated)) {
                throw new Refusal("key-conflict", "key " + validated.get("keyId").asText()
                        + " is listed twice, differently");
            }
            if (existing == null) {
                writes.put(storageKey, validated);
            } else if (!existing.equals(validated)) {
                if (!sameExceptNewRetirement(existing, validated)) {
                    throw new Refusal("key-conflict", "key " + validated.get("keyId").asText()
                            + " is registered as " + Json.canonical(existing) + "; keys are never overwritten");
                }
                writes.put(storageKey, validated);
            }
        }
        if (owner == null) {
            state.put(ownerKey(originKey), Json.canonical(Json.object().put("origin", origin)
                    .put("mspId", state.callerMspId())));
        }
        writes.forEach((key, value) -> state.put(key, Json.canonical(value)));
        // Fabric reads do not see this transaction's writes: the answer says what was written, not the listing
        return Json.canonical(Json.object().put("origin", origin).put("mspId", state.callerMspId())
                .put("registered", writes.size()));
    }

    /** A registered key may gain the retirement it did not have; nothing else about it may change. */
    private static boolean sameExceptNewRetirement(JsonNode existing, ObjectNode proposed) {
        if (existing.has("retiredAt") || !proposed.has("retiredAt")) {
            return false;
        }
        ObjectNode withoutRetirement = proposed.deepCopy();
        withoutRetirement.remove("retiredAt");
        return existing.equals(withoutRetirement);
    }

    String keys(String origin) {
        String originKey = originKey(origin);
        List<JsonNode> keys = new ArrayList<>();
        for (Map.Entry<String, String> entry : state.range("key/" + originKey + "/", "key/" + originKey + "/~",
                MAX_KEYS)) {
            keys.add(Json.parseObject(entry.getValue(), "a stored key"));
        }
        keys.sort(Comparator.comparing((JsonNode key) -> Instant.parse(key.get("createdAt").asText()))
                .thenComparing(key -> key.get("keyId").asText()));
        ArrayNode array = Json.object().arrayNode();
        keys.forEach(array::add);
        ObjectNode listing = Json.object().put("origin", origin);
        listing.set("keys", array);
        return Json.canonical(listing);
    }

    // ---- anchoring

    String anchor(String batchJson) {
        ObjectNode batch = Json.parseObject(batchJson, "the batch");
        String origin = Json.text(batch, "origin", "the batch");
        String originKey = originKey(origin);
        JsonNode owner = stored(ownerKey(originKey));
        if (owner == null) {
            throw new Refusal("not-registered", "origin '" + origin + "' has no registered key; RegisterKeys first");
        }
        if (!owner.get("mspId").asText().equals(state.callerMspId())) {
            throw notOwner(origin, owner);
        }
        JsonNode segments = batch.get("segments");
        if (segments == null || !segments.isArray() || segments.isEmpty()) {
            throw Refusal.malformed("the batch needs a non-empty array 'segments'");
        }
        Head head = Head.read(stored(headKey(originKey)), origin);
        MessageDigest sha256 = LogKeys.sha256();
        Frontier frontier = head.frontier();
        Instant checkpointTime = head.checkpointTime();
        List<ObjectNode> records = new ArrayList<>();
        long expectedFrom = head.size();
        String lastCheckpoint = null;
        byte[] lastRoot = null;
        for (int index = 0; index < segments.size(); index++) {
            JsonNode segment = segments.get(index);
            if (!segment.isObject()) {
                throw Refusal.malformed("segment " + index + " is not a JSON object");
            }
            String what = "segment " + index;
            long from = Json.number(segment, "from", what);
            long to = Json.number(segment, "to", what);
            if (index == 0 && from > expectedFrom) {
                throw new Refusal("gap", "the batch starts at entry " + from + " but " + expectedFrom
                        + " entries are anchored: entries " + expectedFrom + " to " + (from - 1) + " would be missing");
            }
            if (index == 0 && from < expectedFrom) {
                throw new Refusal("overlap", "the batch starts at entry " + from + " but " + expectedFrom
                        + " entries are anchored already (anchored size " + expectedFrom + ")");
            }
            if (from != expectedFrom) {
                throw new Refusal("not-consecutive", what + " starts at " + from + " but the one before it ends at "
                        + expectedFrom);
            }
            if (to <= from) {
                throw Refusal.malformed(what + " is empty or reversed (from " + from + ", to " + to + ")");
            }
            String hashesText = Json.text(segment, "entryHashes", what);
            byte[] hashes = LogKeys.base64(hashesText, what + "'s entryHashes");
            // compared by division: a crafted (to - from) would overflow 32 x (to - from) into a matching length
            if (hashes.length % 32 != 0 || hashes.length / 32 != to - from) {
                throw Refusal.malformed(what + " holds " + hashes.length + " bytes of hashes; " + (to - from)
                        + " entries need " + 32L * (to - from));
            }
            String note = Json.text(segment, "checkpoint", what);
            SignedCheckpoint checkpoint = SignedCheckpoint.parse(note);
            checkCheckpoint(checkpoint, origin, originKey, to, checkpointTime);
            for (int offset = 0; offset < hashes.length; offset += 32) {
                frontier.appendEntryHash(sha256, hashes, offset);
            }
            byte[] root = frontier.root(sha256);
            if (!MessageDigest.isEqual(root, checkpoint.root())) {
                throw new Refusal("root-mismatch", "the anchored entries and " + what + "'s hashes give the root "
                        + b64(root) + " at size " + to + " but its checkpoint says " + b64(checkpoint.root()));
            }
            checkpointTime = checkpoint.time();
            records.add(Json.object().put("origin", origin).put("from", from).put("to", to)
                    .put("entryHashes", hashesText).put("checkpoint", note).put("root", b64(root))
                    .put("txId", state.txId()).put("txTime", state.txTime().toString())
                    .put("mspId", state.callerMspId()));
            expectedFrom = to;
            lastCheckpoint = note;
            lastRoot = root;
        }
        for (ObjectNode record : records) {
            state.put(segmentKey(originKey, record.get("to").asLong()), Json.canonical(record));
        }
        ObjectNode newHead = Json.object().put("origin", origin).put("size", expectedFrom).put("root", b64(lastRoot))
                .put("checkpoint", lastCheckpoint).put("checkpointTime", checkpointTime.toString())
                .put("segments", head.segments() + records.size())
                .put("txId", state.txId()).put("txTime", state.txTime().toString());
        ArrayNode roots = newHead.putArray("frontier");
        frontier.roots().forEach(root -> roots.add(b64(root)));
        state.put(headKey(originKey), Json.canonical(newHead));
        return Json.canonical(Json.object().put("origin", origin).put("from", head.size()).put("to", expectedFrom)
                .put("segments", records.size()).put("txId", state.txId()));
    }

    private void checkCheckpoint(SignedCheckpoint checkpoint, String origin, String originKey, long to,
                                 Instant notBefore) {
        if (!checkpoint.origin().equals(origin)) {
            throw new Refusal("bad-checkpoint", "the checkpoint of size " + checkpoint.size() + " is of origin '"
                    + checkpoint.origin() + "', not '" + origin + "'");
        }
        if (checkpoint.size() != to) {
            throw new Refusal("bad-checkpoint", "the checkpoint is of size " + checkpoint.size()
                    + " but its segment ends at " + to);
        }
        boolean signedByRegisteredKey = false;
        for (SignedCheckpoint.NoteSignature signature : checkpoint.signatures()) {
            if (!signature.name().equals(origin)) {
                continue;
            }
            String keyId = HexFormat.of().formatHex(signature.keyHash());
            JsonNode key = stored("key/" + originKey + "/" + keyId);
            if (key == null) {
                continue;
            }
            signedByRegisteredKey = true;
            if (!LogKeys.verify(key, checkpoint.text(), signature.signature())) {
                throw new Refusal("bad-checkpoint", "the signature of the checkpoint of size " + to + " by key "
                        + keyId + " does not verify");
            }
            if (!LogKeys.validAt(key, checkpoint.time())) {
                throw new Refusal("bad-checkpoint", "the checkpoint of size " + to + " is dated " + checkpoint.time()
                        + ", outside the validity of key " + keyId);
            }
            if (notBefore != null && checkpoint.time().isBefore(notBefore)) {
                throw new Refusal("bad-checkpoint", "the checkpoint of size " + to + " is dated " + checkpoint.time()
                        + ", before the anchored checkpoint of " + notBefore);
            }
            return;
        }
        if (!signedByRegisteredKey) {
            throw new Refusal("bad-checkpoint", "the checkpoint of size " + to
                    + " carries no signature by a key registered for '" + origin + "'");
        }
    }

    // ---- queries

    String head(String origin) {
        JsonNode head = stored(headKey(originKey(origin)));
        if (head == null) {
            return Json.canonical(Json.object().put("origin", origin).put("size", 0));
        }
        ObjectNode withoutFrontier = (ObjectNode) head.deepCopy();
        withoutFrontier.remove("frontier");
        return Json.canonical(withoutFrontier);
    }

    String segmentOf(String origin, String seqText) {
        long seq;
        try {
            if (seqText == null || !seqText.matches("0|[1-9][0-9]*")) {
                throw new NumberFormatException();
            }
            seq = Long.parseLong(seqText);
        } catch (NumberFormatException e) {
            throw Refusal.malformed("seq must be a non-negative decimal number without sign or leading zeros: "
                    + seqText);
        }
        String originKey = originKey(origin);
        long anchored = Head.read(stored(headKey(originKey)), origin).size();
        if (seq >= anchored) {
            throw new Refusal("not-anchored", "entry " + seq + " of '" + origin + "' is not anchored: "
                    + anchored + " entries are");
        }
        List<Map.Entry<String, String>> found = state.range(segmentKey(originKey, seq + 1),
                "segment/" + originKey + "/~", 1);
        if (found.isEmpty()) {
            throw new IllegalStateException("no segment holds anchored entry " + seq);
        }
        return found.get(0).getValue();
    }

    // ---- storage

    static String originKey(String origin) {
        return HexFormat.of().formatHex(LogKeys.sha256().digest(origin.getBytes(StandardCharsets.UTF_8)));
    }

    private static String ownerKey(String originKey) {
        return "owner/" + originKey;
    }

    private static String headKey(String originKey) {
        return "head/" + originKey;
    }

    static String segmentKey(String originKey, long to) {
        return "segment/" + originKey + "/" + String.format("%020d", to);
    }

    private JsonNode stored(String key) {
        String value = state.get(key);
        return value == null ? null : Json.parseObject(value, "the stored " + key);
    }

    private Refusal notOwner(String origin, JsonNode owner) {
        return new Refusal("not-owner", "origin '" + origin + "' belongs to " + owner.get("mspId").asText()
                + ", not to " + state.callerMspId());
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** What the head of an origin says, or the empty head before anything is anchored. */
    private record Head(long size, Frontier frontier, Instant checkpointTime, long segments) {

        static Head read(JsonNode stored, String origin) {
            if (stored == null) {
                return new Head(0, Frontier.empty(), null, 0);
            }
            List<byte[]> roots = new ArrayList<>();
            stored.get("frontier").forEach(root -> roots.add(Base64.getDecoder().decode(root.asText())));
            return new Head(stored.get("size").asLong(), new Frontier(stored.get("size").asLong(), roots),
                    Instant.parse(stored.get("checkpointTime").asText()), stored.get("segments").asLong());
        }
    }
}
