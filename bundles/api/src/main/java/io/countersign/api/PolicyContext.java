package io.countersign.api;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the policy sees beyond the request itself, gathered by the approval core when the request arrives and
 * journaled with the decision, so a replay evaluates exactly what the policy saw.
 *
 * @param humanGroups the directory groups, at receipt, of each human the agent acts for on this request
 * @param sameActionToday this agent's earlier requests for the same action since 00:00 UTC of the day of receipt
 * @param sameActionLastHour this agent's earlier requests for the same action in the hour before receipt
 * @param breakGlass whether the request invokes break-glass
 */
public record PolicyContext(Map<String, Set<String>> humanGroups, long sameActionToday, long sameActionLastHour,
                            boolean breakGlass) {

    private static final PolicyContext NONE = new PolicyContext(Map.of(), 0, 0, false);

    public PolicyContext {
        Objects.requireNonNull(humanGroups, "humanGroups");
        TreeMap<String, Set<String>> sorted = new TreeMap<>();
        humanGroups.forEach((human, groups) -> sorted.put(human, java.util.Collections.unmodifiableSortedSet(new TreeSet<>(groups))));
        humanGroups = java.util.Collections.unmodifiableMap(sorted);
        if (sameActionToday < 0 || sameActionLastHour < 0) {
            throw new IllegalArgumentException("counts cannot be negative");
        }
    }

    /** No groups known, no history, no break-glass. */
    public static PolicyContext none() {
        return NONE;
    }

    public PolicyContext withBreakGlass(boolean invoked) {
        return new PolicyContext(humanGroups, sameActionToday, sameActionLastHour, invoked);
    }
}
