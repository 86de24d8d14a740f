package io.countersign.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Passkey step-up bound to the action: what a reviewer's authenticator signs to approve a request whose route
 * requires step-up, and how that assertion travels in a vote's evidence (docs/evidence-format.md, "Step-up").
 * <p>
 * The WebAuthn challenge is {@code SHA-256("countersign-step-up-v1\n" + requestId + "\n" + digest)} (UTF-8), so an
 * assertion approves exactly one request and exactly the action it was shown: nobody chooses the challenge, and a
 * verifier recomputes it from the journal alone.
 */
public final class StepUp {

    /** The member of a vote's evidence artifact that carries the assertion. */
    public static final String ARTIFACT_MEMBER = "stepUp";

    private static final String DOMAIN = "countersign-step-up-v1\n";

    private StepUp() {
    }

    /** The 32-byte WebAuthn challenge for approving {@code requestId} whose action digest is {@code digest}. */
    public static byte[] challenge(String requestId, String digest) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(digest, "digest");
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest((DOMAIN + requestId + "\n" + digest).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The challenge as base64url without padding, as it appears in the client data's {@code challenge}. */
    public static String challengeText(String requestId, String digest) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(challenge(requestId, digest));
    }

    /**
     * A WebAuthn assertion as the browser returned it, each member base64url without padding.
     *
     * @param credentialId      the passkey's credential id
     * @param authenticatorData the authenticator data (RP ID hash, flags, sign counter)
     * @param clientDataJson    the client data JSON bytes exactly as signed
     * @param signature         the signature over {@code authenticatorData || SHA-256(clientDataJson)}
     */
    public record Assertion(String credentialId, String authenticatorData, String clientDataJson,
                            String signature) {
        public Assertion {
            credentialId = base64url("credentialId", credentialId);
            authenticatorData = base64url("authenticatorData", authenticatorData);
            clientDataJson = base64url("clientDataJson", clientDataJson);
            signature = base64url("signature", signature);
        }

        /** The evidence artifact member: journaled whole so an auditor can re-check it offline. */
        public ObjectNode toJson() {
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("credentialId", credentialId);
            json.put("authenticatorData", authenticatorData);
            json.put("clientDataJSON", clientDataJson);
            json.put("signature", signature);
            return json;
        }

        /** Evidence of a vote on {@code channel} for the action with {@code digest}, carrying this assertion. */
        public ReviewEvidence evidence(String channel, String digest) {
            ObjectNode artifact = JsonNodeFactory.instance.objectNode();
            artifact.set(ARTIFACT_MEMBER, toJson());
            return new ReviewEvidence(channel, null, digest, artifact);
        }

        /** The assertion a vote's evidence carries, if any; {@link IllegalArgumentException} if it is malformed. */
        public static Optional<Assertion> of(ReviewEvidence evidence) {
            JsonNode json = evidence.artifact().get(ARTIFACT_MEMBER);
            if (json == null) {
                return Optional.empty();
            }
            if (!json.isObject()) {
                throw new IllegalArgumentException("the step-up assertion is not an object");
            }
            return Optional.of(new Assertion(text(json, "credentialId"), text(json, "authenticatorData"),
                    text(json, "clientDataJSON"), text(json, "signature")));
        }

        private static String text(JsonNode json, String name) {
            JsonNode value = json.get(name);
            return value != null && value.isTextual() ? value.asText() : null;
        }

        /** The decoded bytes of a member. */
        public static byte[] bytes(String base64url) {
            return Base64.getUrlDecoder().decode(base64url);
        }
    }

    static String base64url(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("the step-up assertion has no " + name);
        }
        if (!value.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("the step-up assertion's " + name + " is not base64url without padding");
        }
        try {
            Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the step-up assertion's " + name + " is not base64url: "
                    + e.getMessage());
        }
        return value;
    }
}
