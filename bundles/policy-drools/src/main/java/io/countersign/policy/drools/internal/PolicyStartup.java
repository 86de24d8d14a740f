package io.countersign.policy.drools.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starting the rule set (compiling it, and on an empty journal journaling the bootstrap) on a thread of its own: the
 * component registers at once and the compile overlaps the rest of the node's start. Decisions wait for it.
 */
final class PolicyStartup {

    private final CountDownLatch done = new CountDownLatch(1);

    private PolicyStartup() {
    }

    /** A start that already happened (development mode starts on the activating thread). */
    static PolicyStartup completed() {
        PolicyStartup startup = new PolicyStartup();
        startup.done.countDown();
        return startup;
    }

    /** Runs {@code start} on {@code executor}; what it throws goes to {@code failed} before the start is done. */
    static PolicyStartup run(Executor executor, Runnable start, Consumer<Throwable> failed) {
        PolicyStartup startup = new PolicyStartup();
        executor.execute(() -> {
            try {
                start.run();
            } catch (Throwable e) {
                failed.accept(e);
            } finally {
                startup.done.countDown();
            }
        });
        return startup;
    }

    /** A thread per start: it runs once per activation, and a pool would outlive the component. */
    static Executor ownThread() {
        return start -> {
            Thread thread = new Thread(start, "countersign-policy-start");
            thread.setDaemon(true);
            thread.start();
        };
    }

    boolean isDone() {
        return done.getCount() == 0;
    }

    /** Whether the start is done, waiting up to {@code bound} for it; an interrupt ends the wait (flag kept). */
    boolean await(Duration bound) {
        try {
            return done.await(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return isDone();
        }
    }
}
