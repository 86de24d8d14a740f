package io.countersign.channel.email.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The one-time secrets in review links and CSRF cookies: 256 bits from {@link SecureRandom}, base64url. A link token
 * is kept only as its SHA-256 hash (hex): that hash is journaled, never the token.
 */
final class LinkTokens {

    static final int TOKEN_BYTES = 32;
    /** Base64url without padding of {@link #TOKEN_BYTES} bytes. */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final SecureRandom random;

    LinkTokens(SecureRandom random) {
        this.random = random;
    }

    LinkTokens() {
        this(new SecureRandom());
    }

    String next() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** Compares in time independent of where the values differ. */
    static boolean same(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
