package io.countersign.policy.drools.internal;

import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.BreakGlassAllowance;
import io.countersign.api.Escalation;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyContext;
import io.countersign.api.ReviewRoute;
import io.countersign.policy.model.ActionFact;
import io.countersign.policy.model.ActionFact.Ruling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one request through a compiled policy and combines the rulings: any deny wins, then any
 * review, then any allow; nothing at all is a deny (fail closed).
 */
final class PolicyEvaluator {
    static final String NO_RULE_MATCHED = "no rule matched this action";

    private final ClassLoader loader;
    private final Duration defaultReviewTimeout;

    PolicyEvaluator(ClassLoader loader, Duration defaultReviewTimeout) {
        this.loader = loader;
        this.defaultReviewTimeout = Objects.requireNonNull(defaultReviewTimeout, "defaultReviewTimeout");
        if (defaultReviewTimeout.isNegative() || defaultReviewTimeout.isZero()) {
            throw new IllegalArgumentException("the default review timeout must be positive");
        }
    }

    /** Evaluates; exceptions from the rules propagate to the caller, which fails closed. */
    Decision evaluate(CompiledPolicy policy, ActionRequest request, Agent agent, PolicyContext context) {
        ActionFact fact = new ActionFact(request, agent, context);
        FiredRules firedRules = policy.firedRules();
        List<String> fired = firedRules.begin();
        try {
            Tccl.run(loader, () -> policy.sessions().execute(fact));
        } finally {
            firedRules.end();
        }
        return combine(fact, fired, policy.version());
    }

    Decision combine(ActionFact fact, List<String> fired, String version) {
        List<Ruling> rulings = fact.rulings();
        if (has(rulings, Outcome.DENY)) {
            return new Decision(Outcome.DENY, reasons(rulings, Outcome.DENY), fired, version, null);
        }
        BreakGlassAllowance breakGlass = fact.allowedBreakGlass().map(BreakGlassAllowance::new).orElse(null);
        if (has(rulings, Outcome.REVIEW)) {
            Map<String, Integer> approvals = new LinkedHashMap<>();
            for (Ruling ruling : rulings) {
                if (ruling.outcome() == Outcome.REVIEW) {
                    approvals.merge(ruling.group(), ruling.approvals(), Math::max);
                }
            }
            List<GroupQuorum> quorums = new ArrayList<>(approvals.size());
            approvals.forEach((group, count) -> quorums.add(new GroupQuorum(group, count)));
            Duration timeout = fact.requestedDeadline().orElse(defaultReviewTimeout);
            return new Decision(Outcome.REVIEW, reasons(rulings, Outcome.REVIEW), fired, version,
                    new ReviewRoute(quorums, timeout, 1, escalations(fact, approvals, timeout),
                            fact.requestedChannels(), fact.requestedStepUp()), breakGlass);
        }
        if (has(rulings, Outcome.ALLOW)) {
            return new Decision(Outcome.ALLOW, reasons(rulings, Outcome.ALLOW), fired, version, null, breakGlass);
        }
        return new Decision(Outcome.DENY, List.of(NO_RULE_MATCHED), fired, version, null);
    }

    /**
     * One step per group, at the earliest time any rule asked for it; a step for a group the route already asks, or
     * one at or after the timeout (it could never happen), is left out.
     */
    private static List<Escalation> escalations(ActionFact fact, Map<String, Integer> routeGroups, Duration timeout) {
        Map<String, Duration> earliest = new LinkedHashMap<>();
        for (ActionFact.Escalation step : fact.requestedEscalations()) {
            if (!routeGroups.containsKey(step.group()) && step.after().compareTo(timeout) < 0) {
                earliest.merge(step.group(), step.after(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
        List<Escalation> ladder = new ArrayList<>(earliest.size());
        earliest.forEach((group, after) -> ladder.add(new Escalation(after, group)));
        return ladder;
    }

    private static boolean has(List<Ruling> rulings, Outcome outcome) {
        return rulings.stream().anyMatch(r -> r.outcome() == outcome);
    }

    private static List<String> reasons(List<Ruling> rulings, Outcome outcome) {
        LinkedHashSet<String> reasons = new LinkedHashSet<>();
        for (Ruling ruling : rulings) {
            if (ruling.outcome() == outcome) {
                reasons.add(ruling.reason());
            }
        }
        return List.copyOf(reasons);
    }
}
