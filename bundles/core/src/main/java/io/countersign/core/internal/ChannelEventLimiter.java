package io.countersign.core.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per channel for journaling channel events. Unauthenticated callers can cause these (a forged
 * signature still gets an entry), so without a bound anyone could grow the journal at will; what is dropped is
 * counted and the count journaled with the next admitted event.
 */
final class ChannelEventLimiter {

    record Admission(boolean admitted, long suppressed, Instant suppressedSince) {
    }

    private static final class Bucket {
        double tokens;
        long lastNanos;
        long suppressed;
        Instant suppressedSince;
    }

    private final int perSecond;
    private final double burst;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new HashMap<>();

    ChannelEventLimiter(int perSecond, Clock clock) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("channelEventsPerSecond must be at least 1");
        }
        this.perSecond = perSecond;
        this.burst = perSecond * 2.0;
        this.clock = clock;
    }

    synchronized Admission admit(String channel) {
        long now = System.nanoTime();
        Bucket bucket = buckets.get(channel);
        if (bucket == null) {
            bucket = new Bucket();
            bucket.tokens = burst;
            bucket.lastNanos = now;
            buckets.put(channel, bucket);
        }
        bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.lastNanos) * perSecond / 1e9);
        bucket.lastNanos = now;
        if (bucket.tokens < 1) {
            if (bucket.suppressed++ == 0) {
                bucket.suppressedSince = clock.instant();
            }
            return new Admission(false, 0, null);
        }
        bucket.tokens -= 1;
        Admission admission = new Admission(true, bucket.suppressed, bucket.suppressedSince);
        bucket.suppressed = 0;
        bucket.suppressedSince = null;
        return admission;
    }
}
