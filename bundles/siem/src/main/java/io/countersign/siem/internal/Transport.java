package io.countersign.siem.internal;

import java.io.IOException;
import java.util.List;

/** Where a sink's events go. Called from the sink's own thread only. */
interface Transport extends AutoCloseable {

    /**
     * Sends {@code events} (consecutive, in journal order) and returns the seq up to which (exclusive) the receiver
     * has confirmed what it was sent; never beyond the last event's seq + 1. A failure throws: the sink then sends
     * everything from its last confirmed seq again.
     */
    long send(List<SiemEvent> events) throws IOException;

    /** The confirmed position while there is nothing new to send (a transport may confirm later than it sends). */
    long confirmed() throws IOException;

    /** What the status shows as the target, with no secret in it. */
    String target();

    @Override
    void close();

    /** A receiver's request to wait before the next attempt (HTTP 503 or 429 with Retry-After). */
    final class RetryLater extends IOException {
        private final long millis;

        RetryLater(String message, long millis) {
            super(message);
            this.millis = millis;
        }

        long millis() {
            return millis;
        }
    }
}
