package io.countersign.siem.internal;

import io.countersign.api.JournalEntry;

/** Turns a journal entry into the one-line text a SIEM receives. */
interface EventFormat {

    String name();

    String format(JournalEntry entry);

    /** The format {@code name} ({@code ocsf}, {@code cef} or {@code json}) for the log {@code origin}. */
    static EventFormat named(String name, String origin) {
        return switch (name) {
            case "ocsf" -> new OcsfFormat(origin);
            case "cef" -> new CefFormat(origin);
            case "json" -> new PlainJsonFormat(origin);
            default -> throw new IllegalArgumentException("unknown SIEM format '" + name + "' (ocsf, cef or json)");
        };
    }
}
