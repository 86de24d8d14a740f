package io.countersign.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The policy's permission to invoke break-glass for one action: with a mandatory reason, the action gets a grant
 * at once that lives at most {@code grantTtl}, every eligible reviewer is told, and a post-incident review follows.
 */
public record BreakGlassAllowance(Duration grantTtl) {
    public BreakGlassAllowance {
        Objects.requireNonNull(grantTtl, "grantTtl");
        if (grantTtl.isNegative() || grantTtl.isZero()) {
            throw new IllegalArgumentException("a break-glass grant must live a positive time, got " + grantTtl);
        }
    }
}
