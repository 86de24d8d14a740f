package io.countersign.console.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.RequestStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.util.Fields;

/**
 * The auditor's search as the form sends it, checked: times are UTC ({@code 2026-12-07T10:00} as a
 * {@code datetime-local} input sends it, or an instant with {@code Z}); without them the window is the last
 * {@link #DEFAULT_WINDOW}.
 *
 * @param values the fields as given (blank ones left out), to fill the form again and carry into the export
 */
record SearchForm(Map<String, String> values, RequestSearch.Query query) {

    static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    static final List<String> FILTERS = List.of("agent", "human", "action", "environment", "outcome", "reviewer");
    static final List<String> FIELDS = List.of("agent", "human", "action", "environment", "outcome", "reviewer",
            "from", "to", "before");
    private static final int MAX_VALUE = 200;

    /** What is wrong with a search, in words for the auditor. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** The known fields of a query string, first value of each. */
    static Map<String, String> parameters(Fields query) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : FIELDS) {
            String value = query.getValue(name);
            if (value != null) {
                values.put(name, value);
            }
        }
        return values;
    }

    static SearchForm parse(Map<String, String> fields, Instant now) throws Invalid {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : FIELDS) {
            String value = fields.get(name);
            if (value != null && !value.isBlank()) {
                if (value.length() > MAX_VALUE) {
                    throw new Invalid("The " + name + " field is longer than " + MAX_VALUE + " characters.");
                }
                values.put(name, value.strip());
            }
        }
        // to the millisecond, which is what a datetime-local input can show again
        Instant to = values.containsKey("to") ? instant(values.get("to"), "to") : now.truncatedTo(ChronoUnit.MILLIS);
        Instant from = values.containsKey("from") ? instant(values.get("from"), "from") : to.minus(DEFAULT_WINDOW);
        if (to.isBefore(from)) {
            throw new Invalid("The end of the time window is before its start.");
        }
        RequestStatus outcome = null;
        if (values.containsKey("outcome")) {
            try {
                outcome = RequestStatus.fromWire(values.get("outcome"));
            } catch (IllegalArgumentException e) {
                throw new Invalid("The outcome must be one of pending, allowed, approved, denied or expired.");
            }
        }
        Long before = null;
        if (values.containsKey("before")) {
            try {
                before = Long.parseLong(values.get("before"));
            } catch (NumberFormatException e) {
                throw new Invalid("The page to continue from is not a journal position.");
            }
            if (before < 0) {
                throw new Invalid("The page to continue from is not a journal position.");
            }
        }
        return new SearchForm(Map.copyOf(values), new RequestSearch.Query(from, to, values.get("agent"),
                values.get("human"), values.get("action"), values.get("environment"), outcome,
                values.get("reviewer"), before));
    }

    /** The fields as given, for showing the form again beside what was wrong with it. */
    static SearchForm unchecked(Map<String, String> fields) {
        return new SearchForm(Map.copyOf(fields), null);
    }

    /** The search as journaled with its export and written into the export's {@code search.json}. */
    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("from", query.from().toString());
        json.put("to", query.to().toString());
        for (String name : FILTERS) {
            if (values.containsKey(name)) {
                json.put(name, name.equals("outcome") ? query.outcome().wireName() : values.get(name));
            }
        }
        return json;
    }

    /** What a {@code datetime-local} input shows for a time as given: an instant with {@code Z} as UTC local time. */
    static String inputValue(String given) {
        if (given == null || !given.toUpperCase(Locale.ROOT).endsWith("Z")) {
            return given;
        }
        try {
            return LocalDateTime.ofInstant(Instant.parse(given), ZoneOffset.UTC).toString();
        } catch (DateTimeParseException e) {
            return given;
        }
    }

    private static Instant instant(String value, String name) throws Invalid {
        try {
            return value.toUpperCase(Locale.ROOT).endsWith("Z") ? Instant.parse(value)
                    : LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new Invalid("The " + (name.equals("from") ? "start" : "end") + " of the time window must be a UTC "
                    + "time such as 2026-12-07T10:00.");
        }
    }
}
