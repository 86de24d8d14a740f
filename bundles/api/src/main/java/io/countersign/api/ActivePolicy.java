package io.countersign.api;

import java.time.Instant;
import java.util.List;

/**
 * The rule set deciding now and how it came to be active.
 *
 * @param change the approved change that activated it, or {@code null} for the bootstrap (or development mode)
 * @param approvers who approved that change
 * @param mode {@code governed} or {@code development}
 */
public record ActivePolicy(String version, Instant activatedAt, String change, List<String> approvers, String mode) {
    public ActivePolicy {
        approvers = List.copyOf(approvers);
    }
}
