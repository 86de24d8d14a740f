package io.countersign.api;

import java.time.Instant;
import java.util.Set;

/**
 * One counted review.
 *
 * @param groups the reviewer's groups when they voted: eligibility is judged at decision time
 */
public record Vote(String reviewer, Verdict verdict, String comment, Set<String> groups, Instant at) {
    public Vote {
        groups = Set.copyOf(groups);
    }
}
