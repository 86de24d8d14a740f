package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Decision;
import io.countersign.api.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decisions keep coming, valid and without exceptions, while rule sets are swapped underneath them. */
class ConcurrencyTest {
    static final String ALLOW = Drl.file(Drl.rule("Allow", "action == \"db.query\"", "$a.allow(\"allow set\");"));
    static final String REVIEW = Drl.file(Drl.rule("Review", "action == \"db.query\"",
            "$a.review(\"security\", 1, \"review set\"); $a.deadline(\"PT5M\");"));

    @TempDir
    Path dir;

    @Test
    void decisionsDuringRepeatedSwapsNeverFail() throws Exception {
        Drl.write(dir, "policy.drl", ALLOW);
        try (PolicyRuntime runtime = new PolicyRuntime(dir, Duration.ofHours(1), Requests.loader())) {
            assertTrue(runtime.reload().activated());
            Set<String> versions = ConcurrentHashMap.newKeySet();
            versions.add(runtime.version());
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong decisions = new AtomicLong();
            int threads = 4;
            CountDownLatch done = new CountDownLatch(threads);
            Set<String> seenVersions = ConcurrentHashMap.newKeySet();
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            Decision d = runtime.decide(Requests.request("db.query", "staging", "{}"),
                                    Requests.AGENT);
                            decisions.incrementAndGet();
                            seenVersions.add(d.policyVersion());
                            boolean allowed = d.outcome() == Outcome.ALLOW && d.reasons().equals(
                                    java.util.List.of("allow set")) && d.rules().equals(java.util.List.of("Allow"));
                            boolean reviewed = d.outcome() == Outcome.REVIEW
                                    && d.route().timeout().equals(Duration.ofMinutes(5))
                                    && d.rules().equals(java.util.List.of("Review"));
                            if (!allowed && !reviewed) {
                                problems.add(d.toString());
                            }
                        }
                    } catch (Throwable e) {
                        problems.add(e.toString());
                    } finally {
                        done.countDown();
                    }
                }, "decider-" + t);
                worker.start();
            }
            for (int swap = 0; swap < 20; swap++) {
                Drl.write(dir, "policy.drl", swap % 2 == 0 ? REVIEW : ALLOW);
                ReloadResult result = runtime.reload();
                assertEquals(ReloadResult.Status.ACTIVATED, result.status(), result.errors()::toString);
                versions.add(result.version());
            }
            stop.set(true);
            done.await();

            assertTrue(problems.isEmpty(), () -> problems.size() + " bad decisions, e.g. " + problems.peek());
            assertTrue(decisions.get() > 1000, "the threads decided throughout: " + decisions.get());
            assertEquals(2, versions.size(), "two rule sets, alternating");
            assertTrue(versions.containsAll(seenVersions), "every decision names an activated version");
        }
    }
}
