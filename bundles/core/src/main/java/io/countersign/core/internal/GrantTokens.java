package io.countersign.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Grant;
import io.countersign.api.LogKey;
import io.countersign.api.Signature;
import io.countersign.api.SigningKeys;
import io.countersign.api.json.Jcs;
import io.countersign.api.json.JsonInputException;
import io.countersign.api.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Grants as JWS compact serialisations signed with EdDSA (RFC 7515, RFC 8037; docs/evidence-format.md §5). The header
 * is fixed and checked member by member, so neither {@code alg: none} nor a key confusion gets through; the claims are
 * canonical JSON so the token of a grant is reproducible from its journal entry.
 */
final class GrantTokens {

    static final String TYPE = "countersign-grant+jwt";
    private static final Set<String> HEADER_MEMBERS = Set.of("alg", "kid", "typ");
    private static final Set<String> CLAIMS = Set.of("iss", "jti", "sub", "agent", "digest", "approvers", "iat", "exp");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int SIGNATURE_BYTES = 64;

    /** What a verified token says. */
    record Claims(String grantId, String requestId, String agent, String digest, List<String> approvers,
                  Instant issuedAt, Instant expiresAt, String keyId) {
    }

    /** A token that is not a grant signed by this log, and why. */
    static final class InvalidGrantException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidGrantException(String message) {
            super(message);
        }
    }

    private final SigningKeys keys;

    GrantTokens(SigningKeys keys) {
        this.keys = keys;
    }

    /** The token of a grant read back from the journal: the same claims signed by the same key give the same bytes. */
    String reissue(Grant grant) {
        return sign(grant.keyId(), grant.id(), grant.requestId(), grant.agent(), grant.digest(), grant.approvers(),
                grant.issuedAt(), grant.expiresAt());
    }

    /**
     * Signs a grant for these claims; {@code issuedAt} and {@code expiresAt} are whole seconds. The key is the one
     * that was current at {@code issuedAt}, so a rotation between reading the clock and signing cannot give a token
     * whose key was not valid when it was issued.
     */
    Grant issue(String grantId, String requestId, String agent, String digest, List<String> approvers,
                Instant issuedAt, Instant expiresAt) {
        String keyId = keyCurrentAt(issuedAt).keyId();
        String token = sign(keyId, grantId, requestId, agent, digest, approvers, issuedAt, expiresAt);
        return new Grant(grantId, requestId, agent, digest, approvers, issuedAt, expiresAt, keyId, token);
    }

    private LogKey keyCurrentAt(Instant time) {
        List<LogKey> all = keys.keys();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).wasCurrentAt(time)) {
                return all.get(i);
            }
        }
        throw new IllegalStateException("no signing key was valid at " + time);
    }

    private String sign(String keyId, String grantId, String requestId, String agent, String digest,
                        List<String> approvers, Instant issuedAt, Instant expiresAt) {
        ObjectNode claims = JsonNodeFactory.instance.objectNode();
        claims.put("iss", keys.origin());
        claims.put("jti", grantId);
        claims.put("sub", requestId);
        claims.put("agent", agent);
        claims.put("digest", digest);
        approvers.forEach(claims.putArray("approvers")::add);
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("exp", expiresAt.getEpochSecond());
        String signingInput = header(keyId) + "." + ENCODER.encodeToString(Jcs.canonicalize(claims));
        Signature signature = keys.sign(keyId, signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + ENCODER.encodeToString(signature.value());
    }

    private static String header(String keyId) {
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        header.put("alg", "EdDSA");
        header.put("kid", keyId);
        header.put("typ", TYPE);
        return ENCODER.encodeToString(Jcs.canonicalize(header));
    }

    Claims verify(String token) throws InvalidGrantException {
        if (token == null || token.length() > 8192) {
            throw new InvalidGrantException("a grant token is a JWS compact serialisation of at most 8192 characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidGrantException("a grant token has three dot-separated parts");
        }
        JsonNode header = json(parts[0], "header");
        if (header.size() != HEADER_MEMBERS.size() || !HEADER_MEMBERS.stream().allMatch(header::has)
                || !"EdDSA".equals(header.path("alg").textValue()) || !TYPE.equals(header.path("typ").textValue())
                || !header.path("kid").isTextual()) {
            throw new InvalidGrantException("the grant header must be exactly {\"alg\":\"EdDSA\",\"kid\":...,\"typ\":\""
                    + TYPE + "\"}");
        }
        String keyId = header.path("kid").textValue();
        LogKey key = keys.keys().stream().filter(k -> k.keyId().equals(keyId)).findFirst()
                .orElseThrow(() -> new InvalidGrantException("the grant names key " + keyId + ", not a key of this log"));
        byte[] signature = decode(parts[2], "signature");
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (signature.length != SIGNATURE_BYTES || !keys.verify(keyId, signingInput, signature)) {
            throw new InvalidGrantException("the grant's signature does not verify under key " + keyId);
        }
        Claims claims = claims(json(parts[1], "payload"), keyId);
        if (!key.wasCurrentAt(claims.issuedAt())) {
            throw new InvalidGrantException("key " + keyId + " was not the signing key at the grant's iat "
                    + claims.issuedAt());
        }
        return claims;
    }

    private Claims claims(JsonNode payload, String keyId) throws InvalidGrantException {
        if (payload.size() != CLAIMS.size() || !CLAIMS.stream().allMatch(payload::has)) {
            throw new InvalidGrantException("the grant's claims must be exactly " + CLAIMS);
        }
        if (!keys.origin().equals(payload.path("iss").textValue())) {
            throw new InvalidGrantException("the grant was issued by another log");
        }
        for (String name : List.of("jti", "sub", "agent", "digest")) {
            if (!payload.path(name).isTextual()) {
                throw new InvalidGrantException("claim " + name + " must be a string");
            }
        }
        for (String name : List.of("iat", "exp")) {
            if (!payload.path(name).isIntegralNumber() || !payload.path(name).canConvertToLong()) {
                throw new InvalidGrantException("claim " + name + " must be an integer");
            }
        }
        if (!payload.path("approvers").isArray()) {
            throw new InvalidGrantException("claim approvers must be an array of strings");
        }
        List<String> approvers = new ArrayList<>();
        for (JsonNode approver : payload.path("approvers")) {
            if (!approver.isTextual()) {
                throw new InvalidGrantException("claim approvers must be an array of strings");
            }
            approvers.add(approver.textValue());
        }
        return new Claims(payload.path("jti").textValue(), payload.path("sub").textValue(),
                payload.path("agent").textValue(), payload.path("digest").textValue(), approvers,
                Instant.ofEpochSecond(payload.path("iat").longValue()),
                Instant.ofEpochSecond(payload.path("exp").longValue()), keyId);
    }

    private static JsonNode json(String part, String what) throws InvalidGrantException {
        try {
            return StrictJson.parseObject(decode(part, what));
        } catch (JsonInputException e) {
            throw new InvalidGrantException("the grant " + what + " is not valid JSON: " + e.getMessage());
        }
    }

    private static byte[] decode(String part, String what) throws InvalidGrantException {
        if (part.isEmpty() || part.indexOf('=') >= 0) {
            throw new InvalidGrantException("the grant " + what + " must be unpadded base64url");
        }
        byte[] decoded;
        try {
            decoded = DECODER.decode(part);
        } catch (IllegalArgumentException e) {
            throw new InvalidGrantException("the grant " + what + " is not base64url");
        }
        // The decoder ignores unused trailing bits; only the one canonical spelling of each value is accepted.
        if (!ENCODER.encodeToString(decoded).equals(part)) {
            throw new InvalidGrantException("the grant " + what + " is not canonical base64url");
        }
        return decoded;
    }
}
