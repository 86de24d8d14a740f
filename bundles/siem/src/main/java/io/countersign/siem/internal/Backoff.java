package io.countersign.siem.internal;

/** Exponential backoff between failed attempts: initial, twice that, ... up to max; reset by a success. */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private long next;

    Backoff(long initialMillis, long maxMillis) {
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.next = initialMillis;
    }

    long next() {
        long current = next;
        next = Math.min(maxMillis, current * 2);
        return current;
    }

    void reset() {
        next = initialMillis;
    }
}
