package io.countersign.itests;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for something to become true by asking again every 50 ms, instead of sleeping a fixed time. */
final class Poll {

    private Poll() {
    }

    /**
     * Returns the first non-null answer of {@code probe}.
     *
     * @throws AssertionError naming {@code what} when there was none within {@code timeout}
     */
    static <T> T until(String what, Duration timeout, Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T answer = probe.call();
            if (answer != null) {
                return answer;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** Waits until {@code condition} holds; {@code state} describes what was seen when it did not. */
    static void until(String what, Duration timeout, Callable<Boolean> condition, Callable<String> state)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + "; " + state.call());
            }
            Thread.sleep(50);
        }
    }
}
