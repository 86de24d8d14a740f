package io.countersign.audit.fabric.internal;

import java.time.Duration;

/** Exponential backoff between failed attempts: initial, twice that, ... up to max; reset by a success. */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    Duration next() {
        Duration current = next;
        next = current.multipliedBy(2).compareTo(max) > 0 ? max : current.multipliedBy(2);
        return current;
    }

    void reset() {
        next = initial;
    }
}
