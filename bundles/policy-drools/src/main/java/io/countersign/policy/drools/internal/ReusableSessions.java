package io.countersign.policy.drools.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.kie.api.KieBase;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Stateful sessions of one rule set, reused across decisions: one decision inserts its fact, fires, and deletes it
 * again, which leaves the session as it was. Building a session for every decision, as a stateless session does,
 * costs time in proportion to the number of rules (measured: p50 7.5 µs, p99 14.6 µs at 1,000 rules, against a
 * few µs here); reuse costs only what the fact touches. A session that does not come back empty (a rule inserted
 * something, or a consequence threw) is disposed, never reused.
 */
final class ReusableSessions {

    private final KieBase kieBase;
    private final FiredRules firedRules;
    private final int capacity;
    /** Lock-free: every decision takes and returns a session, on every request thread at once. */
    private final ConcurrentLinkedQueue<KieSession> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    ReusableSessions(KieBase kieBase, FiredRules firedRules, int capacity) {
        this.kieBase = kieBase;
        this.firedRules = firedRules;
        this.capacity = capacity;
    }

    /** Inserts {@code fact}, fires every rule it matches, and removes it; exceptions from rules propagate. */
    void execute(Object fact) {
        KieSession session = idle.poll();
        if (session != null) {
            idleCount.decrementAndGet();
        } else {
            session = kieBase.newKieSession();
            session.addEventListener(firedRules);
        }
        boolean reusable = false;
        try {
            FactHandle handle = session.insert(fact);
            session.fireAllRules();
            session.delete(handle);
            reusable = session.getFactCount() == 0;
        } finally {
            if (reusable && idleCount.incrementAndGet() <= capacity) {
                idle.offer(session);
            } else {
                if (reusable) {
                    idleCount.decrementAndGet();
                }
                session.dispose();
            }
        }
    }
}
