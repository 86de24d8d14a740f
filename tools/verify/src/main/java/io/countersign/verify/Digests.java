package io.countersign.verify;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** SHA-256 and the {@code sha256:<hex>} text form used for entry hashes and digests. */
final class Digests {
    static final String PREFIX = "sha256:";
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Digests::newSha256);
    /** Hex digits are random, so a table beats branching on them (a mispredicted branch per digit). */
    private static final byte[] HEX_VALUES = new byte[128];

    static {
        Arrays.fill(HEX_VALUES, (byte) -1);
        for (int i = 0; i < 16; i++) {
            HEX_VALUES["0123456789abcdef".charAt(i)] = (byte) i;
        }
    }

    private Digests() {
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A per-thread instance, reset and ready. */
    static MessageDigest sha256() {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest;
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    static String text(byte[] hash) {
        return PREFIX + hex(hash);
    }

    /** Parses {@code sha256:} and 64 lower-case hex digits, or returns null when the text is not exactly that. */
    static byte[] parseText(String text) {
        if (text == null || text.length() != PREFIX.length() + 64 || !text.startsWith(PREFIX)) {
            return null;
        }
        byte[] hash = new byte[32];
        int invalid = 0;
        for (int i = 0, at = PREFIX.length(); i < 32; i++, at += 2) {
            int high = hexValue(text.charAt(at));
            int low = hexValue(text.charAt(at + 1));
            invalid |= high | low;
            hash[i] = (byte) (high << 4 | low);
        }
        return invalid < 0 ? null : hash;
    }

    private static int hexValue(char c) {
        return c < HEX_VALUES.length ? HEX_VALUES[c] : -1;
    }
}
