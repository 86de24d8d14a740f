package io.countersign.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A proposed rule set on its way through four-eyes review: proposed by a policy admin, reviewed as a request that
 * Countersign raises ({@code countersign.policy.change}), activated only once approved.
 *
 * @param version the proposed rule set's hash
 * @param baseVersion the rule set active when it was proposed; an approved change activates only on top of it
 * @param files the rule and test files proposed, by name
 * @param testCases how many rule test cases it passed when proposed
 * @param request the review request
 * @param approvers who approved it, once it is activated
 * @param closedAt when it was activated or closed, or {@code null} while it is pending
 * @param detail why it was closed without activation, or {@code null}
 */
public record PolicyChange(String id, String author, String description, String version, String baseVersion,
                           List<String> files, int testCases, String request, Instant proposedAt, Status status,
                           List<String> approvers, Instant closedAt, String detail) {

    /** Where a change stands. */
    public enum Status {
        PENDING, ACTIVATED, DENIED, EXPIRED, STALE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public PolicyChange {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(version, "version");
        files = List.copyOf(files);
        approvers = List.copyOf(approvers);
        Objects.requireNonNull(status, "status");
    }

    public PolicyChange closed(Status to, List<String> by, Instant at, String why) {
        return new PolicyChange(id, author, description, version, baseVersion, files, testCases, request, proposedAt,
                to, by, at, why);
    }
}
