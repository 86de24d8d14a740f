package io.countersign.policy.drools.internal;

import java.util.List;
import org.kie.api.runtime.StatelessKieSession;

/**
 * A rule set that compiled cleanly. Immutable once published; its stateless session is safe for
 * concurrent {@code execute} calls.
 */
record CompiledPolicy(String version, List<String> files, List<String> ruleNames, StatelessKieSession session,
                      FiredRules firedRules) {
    CompiledPolicy {
        files = List.copyOf(files);
        ruleNames = List.copyOf(ruleNames);
    }

    int ruleCount() {
        return ruleNames.size();
    }
}
