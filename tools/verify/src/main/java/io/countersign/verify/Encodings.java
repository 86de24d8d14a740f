package io.countersign.verify;

import java.util.Base64;

/** Strict base64 decoding: only the one canonical spelling of each byte string is accepted. */
final class Encodings {
    private Encodings() {
    }

    /** Standard base64 with padding (RFC 4648 §4), or null when {@code text} is not its canonical form. */
    static byte[] base64(String text) {
        if (text == null) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            // the JDK decoder tolerates missing padding and non-zero trailing bits; re-encoding catches both
            return toBase64(bytes).equals(text) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String toBase64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
