package io.countersign.api;

import java.util.Locale;

/** Whether a granted action ran successfully. */
public enum ExecutionOutcome {
    SUCCESS, FAILURE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExecutionOutcome fromWire(String value) {
        for (ExecutionOutcome outcome : values()) {
            if (outcome.wireName().equals(value)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("outcome must be 'success' or 'failure', not '" + value + "'");
    }
}
