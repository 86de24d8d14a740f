package io.countersign.api;

/**
 * How often an agent asked for one action recently, counted as the policy counts it ({@link PolicyContext}): what a
 * reviewer weighs when a request looks routine or unusual.
 *
 * @param today requests since 00:00 UTC
 * @param lastHour requests in the last hour
 */
public record RequesterActivity(long today, long lastHour) {
    public RequesterActivity {
        if (today < 0 || lastHour < 0) {
            throw new IllegalArgumentException("counts cannot be negative");
        }
    }
}
