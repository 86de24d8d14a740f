package io.countersign.ledger.internal;

import org.eclipse.jetty.util.Fields;

/** Query parameter parsing with messages that name the parameter. */
final class QueryParameters {

    /** A parameter that is missing or not what it should be. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    private QueryParameters() {
    }

    static long required(Fields query, String name) throws Invalid {
        if (query.getValue(name) == null) {
            throw new Invalid("'" + name + "' is required");
        }
        return nonNegative(query, name, 0L);
    }

    static long nonNegative(Fields query, String name, long fallback) throws Invalid {
        String value = query.getValue(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid("'" + name + "' must be a non-negative integer");
    }

    static Long optional(Fields query, String name) throws Invalid {
        return query.getValue(name) == null ? null : nonNegative(query, name, 0L);
    }

    static void check(boolean condition, String message) throws Invalid {
        if (!condition) {
            throw new Invalid(message);
        }
    }
}
