package io.countersign.api;

import java.util.Locale;

/** A reviewer's answer to a pending request. */
public enum Verdict {
    APPROVE,
    DENY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code approve} or {@code deny}; anything else is {@code null}. */
    public static Verdict fromWire(String value) {
        if ("approve".equals(value)) {
            return APPROVE;
        }
        if ("deny".equals(value)) {
            return DENY;
        }
        return null;
    }
}
