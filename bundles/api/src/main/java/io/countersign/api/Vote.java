package io.countersign.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One counted review.
 *
 * @param groups the reviewer's groups when they voted: eligibility is judged at decision time
 * @param evidence the channel the vote came through and what it verified
 */
public record Vote(String reviewer, Verdict verdict, String comment, Set<String> groups, Instant at,
                   ReviewEvidence evidence) {
    public Vote {
        groups = Set.copyOf(groups);
        Objects.requireNonNull(evidence, "evidence");
    }

    public Vote(String reviewer, Verdict verdict, String comment, Set<String> groups, Instant at) {
        this(reviewer, verdict, comment, groups, at, ReviewEvidence.api());
    }

    public String channel() {
        return evidence.channel();
    }
}
