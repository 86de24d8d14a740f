package io.countersign.policy.drools.internal;

import java.util.List;

/**
 * A rule set that compiled cleanly. Immutable once published; its sessions serve concurrent decisions, one
 * decision per session at a time.
 */
record CompiledPolicy(String version, List<String> files, List<String> ruleNames, ReusableSessions sessions,
                      FiredRules firedRules) {
    CompiledPolicy {
        files = List.copyOf(files);
        ruleNames = List.copyOf(ruleNames);
    }

    int ruleCount() {
        return ruleNames.size();
    }
}
