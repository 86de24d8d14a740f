package io.countersign.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How a request got through by break-glass.
 *
 * @param reason why the caller invoked it, as they wrote it
 * @param grantTtl how long its grant lives
 * @param reviewRequest the post-incident review raised for it, pending with the reviewers
 */
public record BreakGlass(String reason, Duration grantTtl, String reviewRequest) {
    public BreakGlass {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(grantTtl, "grantTtl");
        Objects.requireNonNull(reviewRequest, "reviewRequest");
    }
}
