package io.countersign.api;

import java.util.List;
import java.util.Objects;

/**
 * The policy's answer for one request.
 *
 * @param route present exactly when the outcome is {@link Outcome#REVIEW}
 * @param policyVersion the hash of the rule set that decided
 * @param breakGlass the policy's permission to invoke break-glass for this action, or {@code null}; never present on
 *                   a {@code DENY}
 */
public record Decision(Outcome outcome, List<String> reasons, List<String> rules, String policyVersion,
                       ReviewRoute route, BreakGlassAllowance breakGlass) {
    public Decision {
        Objects.requireNonNull(outcome, "outcome");
        reasons = List.copyOf(reasons);
        rules = List.copyOf(rules);
        Objects.requireNonNull(policyVersion, "policyVersion");
        if ((outcome == Outcome.REVIEW) != (route != null)) {
            throw new IllegalArgumentException("a review route goes with, and only with, a REVIEW outcome");
        }
        if (outcome == Outcome.DENY && breakGlass != null) {
            throw new IllegalArgumentException("a denial allows no break-glass");
        }
    }

    public Decision(Outcome outcome, List<String> reasons, List<String> rules, String policyVersion,
                    ReviewRoute route) {
        this(outcome, reasons, rules, policyVersion, route, null);
    }

    /** A denial caused by a failure, never an approval: policy errors fail closed. */
    public static Decision failClosed(String reason, String policyVersion) {
        return new Decision(Outcome.DENY, List.of(reason), List.of(), policyVersion, null);
    }
}
