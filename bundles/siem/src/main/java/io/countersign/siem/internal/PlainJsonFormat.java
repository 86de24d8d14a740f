package io.countersign.siem.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;

/**
 * The entry as JSON: {@code {"origin", "seq", "time", "type", "prev", "hash", "data"}}, data redacted
 * ({@link Redaction}). Jackson escapes control characters, so the line never breaks.
 */
final class PlainJsonFormat implements EventFormat {

    private final String origin;

    PlainJsonFormat(String origin) {
        this.origin = origin;
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public String format(JournalEntry entry) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("origin", origin);
        json.put("seq", entry.seq());
        json.put("time", entry.time().toString());
        json.put("type", entry.type());
        json.put("prev", entry.prevHash());
        json.put("hash", entry.hash());
        json.set("data", Redaction.data(entry.data()));
        return json.toString();
    }
}
