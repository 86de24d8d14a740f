package io.countersign.channel.teams.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.json.JsonInputException;
import io.countersign.api.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A JWS in compact serialisation (RFC 7515 §7.1), parsed strictly: three unpadded, canonical base64url segments;
 * header and claims are I-JSON objects (duplicate names refused). Nothing here is trusted until a verifier says so.
 */
record CompactJwt(String compact, ObjectNode header, ObjectNode claims, byte[] signature) {

    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");
    private static final int MAX_CHARS = 16 * 1024;

    static CompactJwt parse(String compact) throws JwtRejection {
        if (compact.length() > MAX_CHARS) {
            throw new JwtRejection("jwt-malformed", "the token is longer than " + MAX_CHARS + " characters");
        }
        String[] parts = compact.split("\\.", -1);
        if (parts.length != 3) {
            throw new JwtRejection("jwt-malformed", "a compact JWS has 3 segments, this token has " + parts.length);
        }
        if (parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new JwtRejection("jwt-malformed", "the header or the payload of the token is empty");
        }
        ObjectNode header = object(decode(parts[0], "header"), "header");
        ObjectNode claims = object(decode(parts[1], "payload"), "payload");
        return new CompactJwt(compact, header, claims, decode(parts[2], "signature"));
    }

    /** The bytes the signature covers: the first two segments as sent. */
    byte[] signingInput() {
        return compact.substring(0, compact.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Header and claims of a token that may be invalid, for the record of a refusal: whatever decodes, as JSON;
     * the signature is left out.
     */
    static ObjectNode peek(String compact) {
        ObjectNode seen = StrictJson.mapper().createObjectNode();
        String[] parts = compact.split("\\.", -1);
        String[] names = {"jwtHeader", "jwtClaims"};
        for (int i = 0; i < Math.min(2, parts.length); i++) {
            try {
                seen.set(names[i], object(decode(parts[i], names[i]), names[i]));
            } catch (JwtRejection e) {
                seen.put(names[i], "(undecodable)");
            }
        }
        return seen;
    }

    private static byte[] decode(String segment, String name) throws JwtRejection {
        if (!BASE64URL.matcher(segment).matches() || segment.length() % 4 == 1) {
            throw new JwtRejection("jwt-malformed", "the " + name + " is not unpadded base64url");
        }
        byte[] bytes = Base64.getUrlDecoder().decode(segment);
        // one text, one byte string: no unused bits may be set
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(segment)) {
            throw new JwtRejection("jwt-malformed", "the " + name + " is not canonical base64url");
        }
        return bytes;
    }

    private static ObjectNode object(byte[] json, String name) throws JwtRejection {
        try {
            JsonNode node = StrictJson.parseObject(json);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new JwtRejection("jwt-malformed", "the " + name + " is not a JSON object");
        } catch (JsonInputException e) {
            throw new JwtRejection("jwt-malformed", "the " + name + " is not a JSON object: " + e.getMessage());
        }
    }
}
