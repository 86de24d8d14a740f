package io.countersign.api.json;

import io.countersign.api.Action;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The digest an approval is bound to: {@code sha256:} and the hex SHA-256 of the action's RFC 8785 form. */
public final class ActionDigest {

    public static final String PREFIX = "sha256:";

    private ActionDigest() {
    }

    public static String of(Action action) {
        return PREFIX + HexFormat.of().formatHex(sha256(Jcs.canonicalize(action.toJson())));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
