package io.countersign.camel.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.notify.Notification;
import java.time.Instant;

/**
 * The notification outbox's {@code notification.sent} entry, for the restart benchmark's history generator: the
 * dispatcher's own codec, so the generated deliveries are what a node with a channel installed journals. Bench code
 * only; it lives in the dispatcher's package because {@link NotificationEntries} is package-private.
 */
public final class BenchNotifications {

    public static final String SENT = NotificationEntries.SENT;

    private BenchNotifications() {
    }

    public static ObjectNode sent(Notification notification, ObjectNode reference, Instant at) {
        return NotificationEntries.sent(notification, reference, at);
    }
}
