package io.countersign.chaincode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;

/** The log's Ed25519 keys (docs/evidence-format.md §2, §3): key ids, validity and signature checks. */
final class LogKeys {

    /** The DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410); the raw 32 bytes follow. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte SIGNED_NOTE_ED25519 = 0x01;

    private LogKeys() {
    }

    /** The first 4 bytes of H(name || 0x0A || 0x01 || public key): the C2SP signed-note key hash. */
    static byte[] keyHash(String name, byte[] publicKey) {
        MessageDigest sha256 = sha256();
        sha256.update(name.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0x0A);
        sha256.update(SIGNED_NOTE_ED25519);
        sha256.update(publicKey);
        byte[] hash = new byte[4];
        System.arraycopy(sha256.digest(), 0, hash, 0, 4);
        return hash;
    }

    /**
     * Checks a key of the §3 listing for {@code origin} and returns it in stored form (sorted members; no
     * {@code retiredAt} unless set).
     */
    static ObjectNode validated(JsonNode key, String origin) {
        if (key == null || !key.isObject()) {
            throw Refusal.malformed("each key must be a JSON object");
        }
        String keyId = Json.text(key, "keyId", "a key");
        String name = Json.text(key, "name", "key " + keyId);
        String algorithm = Json.text(key, "algorithm", "key " + keyId);
        if (!name.equals(origin)) {
            throw new Refusal("bad-key", "key " + keyId + " is named '" + name + "', not the origin '" + origin + "'");
        }
        if (!algorithm.equals("Ed25519")) {
            throw new Refusal("bad-key", "key " + keyId + " is " + algorithm + "; only Ed25519 is accepted");
        }
        byte[] publicKey = base64(Json.text(key, "publicKey", "key " + keyId), "the public key of " + keyId);
        if (publicKey.length != 32) {
            throw new Refusal("bad-key", "key " + keyId + " has a " + publicKey.length
                    + "-byte public key; Ed25519 keys have 32");
        }
        String expectedId = HexFormat.of().formatHex(keyHash(name, publicKey));
        if (!expectedId.equals(keyId)) {
            throw new Refusal("bad-key", "key " + keyId + " has the key hash " + expectedId
                    + " by its name and public key");
        }
        Instant createdAt = instant(Json.text(key, "createdAt", "key " + keyId), "createdAt of key " + keyId);
        ObjectNode stored = Json.object()
                .put("keyId", keyId).put("name", name).put("algorithm", algorithm)
                .put("publicKey", Base64.getEncoder().encodeToString(publicKey))
                .put("createdAt", createdAt.toString());
        JsonNode retired = key.get("retiredAt");
        if (retired != null && !retired.isNull()) {
            Instant retiredAt = instant(retired.asText(), "retiredAt of key " + keyId);
            if (retiredAt.isBefore(createdAt)) {
                throw new Refusal("bad-key", "key " + keyId + " is retired before it was created");
            }
            stored.put("retiredAt", retiredAt.toString());
        }
        return stored;
    }

    static boolean validAt(JsonNode storedKey, Instant time) {
        Instant createdAt = Instant.parse(storedKey.get("createdAt").asText());
        JsonNode retired = storedKey.get("retiredAt");
        return !time.isBefore(createdAt) && (retired == null || !time.isAfter(Instant.parse(retired.asText())));
    }

    static boolean verify(JsonNode storedKey, byte[] message, byte[] signature) {
        try {
            byte[] raw = Base64.getDecoder().decode(storedKey.get("publicKey").asText());
            byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
            System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
            System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static byte[] base64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw Refusal.malformed(what + " is not base64");
        }
    }

    static Instant instant(String text, String what) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw Refusal.malformed(what + " is not an RFC 3339 instant: " + text);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
