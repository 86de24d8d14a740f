package io.countersign.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: the first wait about {@code initial}, doubling up to {@code max}. */
final class Backoff {

    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        this.next = initial;
        this.max = max;
    }

    /** Half the step plus a random part of the other half, so that many clients do not come back in step. */
    Duration next() {
        long step = next.toMillis();
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return Duration.ofMillis(step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1));
    }
}
