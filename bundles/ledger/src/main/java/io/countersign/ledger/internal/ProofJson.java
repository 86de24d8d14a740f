package io.countersign.ledger.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Checkpoint;
import io.countersign.api.MerkleLog;
import java.util.Base64;
import java.util.List;

/** Proofs and checkpoints in their JSON form (docs/evidence-format.md §4, §8). */
final class ProofJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private ProofJson() {
    }

    static ObjectNode inclusion(MerkleLog log, long index, long size) {
        ObjectNode json = JSON.objectNode();
        json.put("leafIndex", index);
        json.put("treeSize", size);
        json.put("leafHash", BASE64.encodeToString(log.leafHash(index)));
        path(json, log.inclusionProof(index, size));
        return json;
    }

    static ObjectNode consistency(MerkleLog log, long fromSize, long toSize) {
        ObjectNode json = JSON.objectNode();
        json.put("fromSize", fromSize);
        json.put("toSize", toSize);
        path(json, log.consistencyProof(fromSize, toSize));
        return json;
    }

    static ObjectNode checkpoint(Checkpoint checkpoint) {
        ObjectNode json = JSON.objectNode();
        json.put("origin", checkpoint.origin());
        json.put("size", checkpoint.size());
        json.put("root", BASE64.encodeToString(checkpoint.root()));
        json.put("time", checkpoint.time().toString());
        json.put("keyId", checkpoint.keyId());
        json.put("note", checkpoint.note());
        return json;
    }

    private static void path(ObjectNode json, List<byte[]> nodes) {
        var path = json.putArray("path");
        nodes.forEach(node -> path.add(BASE64.encodeToString(node)));
    }
}
