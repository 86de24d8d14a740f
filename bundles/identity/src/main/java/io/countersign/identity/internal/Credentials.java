package io.countersign.identity.internal;

import io.countersign.api.json.ActionDigest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API keys and reviewer tokens: 256 random bits, stored only as SHA-256 hashes. A slow password hash adds nothing
 * for secrets with this much entropy and would cost every request.
 */
final class Credentials {

    static final String AGENT_KEY_PREFIX = "csk_";
    static final String REVIEWER_TOKEN_PREFIX = "csr_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {
    }

    static String newSecret(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String secret) {
        return "sha256:" + HexFormat.of().formatHex(ActionDigest.sha256(secret.getBytes(StandardCharsets.UTF_8)));
    }
}
