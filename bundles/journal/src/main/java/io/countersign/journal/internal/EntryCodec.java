package io.countersign.journal.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import io.countersign.api.json.Jcs;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/** Builds an entry's canonical bytes and hash, and reads them back; one instance per thread. */
final class EntryCodec {

    static final String HASH_PREFIX = "sha256:";
    static final String GENESIS_PREV = HASH_PREFIX + "0".repeat(64);

    private static final Set<String> MEMBERS = Set.of("seq", "time", "type", "data", "prev");
    private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final HexFormat HEX = HexFormat.of();
    // Canonical numbers are ECMAScript doubles: integers come back as long and the rest as double, as StrictJson
    // leaves them, so data read back equals data that came through intake.
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final MessageDigest sha256;

    EntryCodec() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }


    String hash(byte[] canonical) {
        return hashText(digest(canonical));
    }

    /** The raw 32 bytes of an entry hash. */
    byte[] digest(byte[] canonical) {
        return sha256.digest(canonical);
    }

    /** {@code sha256:<hex>} of an entry hash's raw bytes. */
    static String hashText(byte[] digest) {
        return HASH_PREFIX + HEX.formatHex(digest);
    }

    /** The raw bytes of a well-formed {@code sha256:<hex>} entry hash. */
    static byte[] hashBytes(String hashText) {
        return HEX.parseHex(hashText, HASH_PREFIX.length(), hashText.length());
    }

    /** Decodes a payload that recovery has already verified. */
    JournalEntry decode(byte[] payload) throws InvalidEntryException {
        ObjectNode root = parse(payload);
        return toEntry(root, hash(payload));
    }

    /** Decodes a payload and checks that it is a well-formed entry in canonical form. */
    JournalEntry verify(byte[] payload) throws InvalidEntryException {
        ObjectNode root = parse(payload);
        JournalEntry entry = toEntry(root, hash(payload));
        if (!Arrays.equals(Jcs.canonicalize(root), payload)) {
            throw new InvalidEntryException("the payload is not in RFC 8785 canonical form");
        }
        return entry;
    }

    private static ObjectNode parse(byte[] payload) throws InvalidEntryException {
        JsonNode root;
        try {
            root = READER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidEntryException("the payload is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEntryException("the payload is unreadable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEntryException("the payload is not a JSON object");
        }
        if (root.size() != MEMBERS.size() || !MEMBERS.stream().allMatch(root::has)) {
            throw new InvalidEntryException("the entry must have exactly the members " + MEMBERS);
        }
        return (ObjectNode) root;
    }

    private static JournalEntry toEntry(ObjectNode root, String hash) throws InvalidEntryException {
        JsonNode seq = root.get("seq");
        if (!seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 0) {
            throw new InvalidEntryException("seq is not a non-negative integer");
        }
        JsonNode time = root.get("time");
        JsonNode type = root.get("type");
        JsonNode data = root.get("data");
        JsonNode prev = root.get("prev");
        if (!time.isTextual() || !type.isTextual() || !data.isObject() || !prev.isTextual()) {
            throw new InvalidEntryException("time, type and prev must be strings and data an object");
        }
        if (!HASH.matcher(prev.textValue()).matches()) {
            throw new InvalidEntryException("prev is not sha256: and 64 lower-case hex digits");
        }
        return new JournalEntry(seq.longValue(), parseTime(time.textValue()), type.textValue(), (ObjectNode) data,
                prev.textValue(), hash);
    }

    private static Instant parseTime(String text) throws InvalidEntryException {
        try {
            Instant time = Instant.parse(text);
            if (time.toString().equals(text)) {
                return time;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new InvalidEntryException("time '" + text + "' is not in Instant.toString() form");
    }

    /** An entry payload that is not what the writer produces. */
    static final class InvalidEntryException extends Exception {

        private static final long serialVersionUID = 1L;

        InvalidEntryException(String message) {
            super(message);
        }
    }
}
