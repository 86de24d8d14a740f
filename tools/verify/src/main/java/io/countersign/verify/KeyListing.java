package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code keys.json} document (§3): the keys it lists and what is wrong with the listing.
 * A key whose stated id differs from the one recomputed from its name and public key is never used.
 */
record KeyListing(String origin, List<LogKey> keys, List<String> problems) {

    static KeyListing parse(JsonNode document) {
        List<String> problems = new ArrayList<>();
        List<LogKey> keys = new ArrayList<>();
        String origin = Json.text(document, "origin");
        if (origin == null) {
            problems.add("\"origin\" is missing or not a string");
        }
        JsonNode listed = document.get("keys");
        if (listed == null || !listed.isArray()) {
            problems.add("\"keys\" is missing or not an array");
            return new KeyListing(origin, keys, problems);
        }
        for (int i = 0; i < listed.size(); i++) {
            LogKey key = parseKey(listed.get(i), origin, "key #" + i, problems);
            if (key != null) {
                keys.add(key);
            }
        }
        return new KeyListing(origin, List.copyOf(keys), List.copyOf(problems));
    }

    private static LogKey parseKey(JsonNode entry, String origin, String label, List<String> problems) {
        if (!entry.isObject()) {
            problems.add(label + " is not an object");
            return null;
        }
        String keyId = Json.text(entry, "keyId");
        String name = Json.text(entry, "name");
        String where = keyId != null ? "key " + keyId : label;
        byte[] publicKey = Encodings.base64(Json.text(entry, "publicKey"));
        if (name == null || keyId == null) {
            problems.add(where + ": \"name\" and \"keyId\" must be strings");
            return null;
        }
        if (!"Ed25519".equals(Json.text(entry, "algorithm"))) {
            problems.add(where + ": algorithm is not Ed25519");
            return null;
        }
        if (publicKey == null || publicKey.length != 32) {
            problems.add(where + ": publicKey is not base64 of 32 bytes");
            return null;
        }
        if (!name.equals(origin)) {
            problems.add(where + ": name " + name + " is not the log origin " + origin);
            return null;
        }
        String createdAt = Json.text(entry, "createdAt");
        Long createdAtNanos = createdAt == null ? null : instant(createdAt);
        if (createdAtNanos == null) {
            problems.add(where + ": createdAt is not an instant");
            return null;
        }
        Long retiredAt = optionalTime(entry, "retiredAt", where, problems);
        LogKey key;
        try {
            key = LogKey.of(name, publicKey, createdAtNanos, retiredAt);
        } catch (IllegalArgumentException e) {
            problems.add(where + ": publicKey is not an Ed25519 point");
            return null;
        }
        if (!key.keyId().equals(keyId)) {
            problems.add(where + ": keyId does not match its name and publicKey, which give " + key.keyId());
            return null;
        }
        return key;
    }

    private static Long optionalTime(JsonNode entry, String member, String where, List<String> problems) {
        JsonNode value = entry.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        Long nanos = value.isTextual() ? instant(value.textValue()) : null;
        if (nanos == null) {
            problems.add(where + ": " + member + " is not an instant");
        }
        return nanos;
    }

    /** Nanoseconds since the epoch, or null when {@code text} is not an instant. */
    private static Long instant(String text) {
        try {
            return JournalTime.parseLenient(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
