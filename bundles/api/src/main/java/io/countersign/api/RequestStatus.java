package io.countersign.api;

import java.util.Locale;

/** Where a request stands; every status but {@link #PENDING} is terminal. */
public enum RequestStatus {
    PENDING,
    ALLOWED,
    DENIED,
    APPROVED,
    EXPIRED;

    public boolean isTerminal() {
        return this != PENDING;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RequestStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
