package io.countersign.channel.slack.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's v0 request signature, as https://docs.slack.dev/authentication/verifying-requests-from-slack defines it and
 * slack_sdk/signature does it: {@code X-Slack-Signature: v0=hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":"
 * + raw body))}, over the body's bytes exactly as received, compared in constant time, and accepted only while
 * {@code |now - X-Slack-Request-Timestamp| <= 300} seconds (future timestamps too).
 */
final class SlackSignature {

    static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
    static final String SIGNATURE_HEADER = "X-Slack-Signature";
    static final long WINDOW_SECONDS = 300;

    /** Whole seconds since the epoch, as Slack sends them; no sign, no fraction, no milliseconds-sized numbers. */
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,11}");

    private final SecretKeySpec key;

    SlackSignature(String signingSecret) {
        if (signingSecret == null || signingSecret.isEmpty()) {
            throw new IllegalArgumentException("a signing secret is required");
        }
        this.key = new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The timestamp header as seconds, or empty when it is not a plain decimal number. */
    static OptionalLong seconds(String timestamp) {
        if (timestamp == null || !SECONDS.matcher(timestamp).matches()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(timestamp));
    }

    static boolean isFresh(long timestampSeconds, long nowSeconds) {
        return Math.abs(nowSeconds - timestampSeconds) <= WINDOW_SECONDS;
    }

    /** Whether {@code signature} is the v0 signature of {@code body} sent at {@code timestamp} (the header text). */
    boolean matches(String timestamp, String signature, byte[] body) {
        if (signature == null || timestamp == null) {
            return false;
        }
        byte[] expected = sign(timestamp, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8));
    }

    String sign(String timestamp, byte[] body) {
        Mac mac;
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
        mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
        mac.update(body);
        return "v0=" + HexFormat.of().formatHex(mac.doFinal());
    }
}
