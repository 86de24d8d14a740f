package io.countersign.policy.drools.internal;

import java.util.ArrayList;
import java.util.List;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;

/**
 * Collects the names of the rules that fire, in firing order. One listener serves every evaluation
 * of a stateless session; a stateless execute fires its rules on the calling thread, so the list
 * being filled is per thread.
 */
final class FiredRules extends DefaultAgendaEventListener {
    private final ThreadLocal<List<String>> current = new ThreadLocal<>();

    List<String> begin() {
        List<String> names = new ArrayList<>(4);
        current.set(names);
        return names;
    }

    void end() {
        current.remove();
    }

    @Override
    public void afterMatchFired(AfterMatchFiredEvent event) {
        List<String> names = current.get();
        if (names != null) {
            names.add(event.getMatch().getRule().getName());
        }
    }
}
