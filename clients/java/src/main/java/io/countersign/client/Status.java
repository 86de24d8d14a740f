package io.countersign.client;

import java.util.Locale;

/** Where a request stands. Only {@link #PENDING} can still change. */
public enum Status {
    ALLOWED, APPROVED, DENIED, EXPIRED, PENDING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return this != PENDING;
    }

    static Status fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
