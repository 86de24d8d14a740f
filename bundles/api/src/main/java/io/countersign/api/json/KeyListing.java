package io.countersign.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.LogKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The public keys of a log in the form of docs/evidence-format.md §3: the API's, the bundles' and the key files'. */
public final class KeyListing {

    private KeyListing() {
    }

    public static ObjectNode toJson(String origin, List<LogKey> keys) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("origin", origin);
        ArrayNode array = root.putArray("keys");
        for (LogKey key : keys) {
            ObjectNode json = array.addObject();
            json.put("keyId", key.keyId());
            json.put("name", key.name());
            json.put("algorithm", "Ed25519");
            json.put("publicKey", Base64.getEncoder().encodeToString(key.publicKey()));
            json.put("createdAt", key.createdAt().toString());
            if (key.retiredAt() != null) {
                json.put("retiredAt", key.retiredAt().toString());
            }
        }
        return root;
    }

    /** The keys listed, in order; the key ids are not checked here. */
    public static List<LogKey> keys(JsonNode root) {
        List<LogKey> keys = new ArrayList<>();
        for (JsonNode key : root.path("keys")) {
            JsonNode retired = key.get("retiredAt");
            keys.add(new LogKey(key.path("keyId").asText(), key.path("name").asText(),
                    Base64.getDecoder().decode(key.path("publicKey").asText()),
                    Instant.parse(key.path("createdAt").asText()),
                    retired == null || retired.isNull() ? null : Instant.parse(retired.asText())));
        }
        return keys;
    }
}
