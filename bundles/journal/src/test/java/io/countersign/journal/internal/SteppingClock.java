package io.countersign.journal.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;

/** Returns the given instants in turn, then keeps returning the last. */
final class SteppingClock extends Clock {

    private final Iterator<Instant> instants;
    private Instant current;

    SteppingClock(List<Instant> instants) {
        this.instants = instants.iterator();
        this.current = instants.get(0);
    }

    @Override
    public synchronized Instant instant() {
        if (instants.hasNext()) {
            current = instants.next();
        }
        return current;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
