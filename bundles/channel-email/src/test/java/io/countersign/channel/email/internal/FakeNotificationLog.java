package io.countersign.channel.email.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationLog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the host journals as {@code notification.sent}, kept in memory. */
final class FakeNotificationLog implements NotificationLog {

    private final Map<String, List<Delivery>> deliveries = new ConcurrentHashMap<>();

    Delivery journal(Notification notification, ObjectNode reference, Instant at) {
        Delivery delivery = new Delivery(notification.id(), notification.view().id(), notification.channel(),
                notification.address(), notification.reviewer().id(), notification.kind(), reference.deepCopy(), at);
        deliveries.computeIfAbsent(notification.view().id(), id -> new CopyOnWriteArrayList<>()).add(delivery);
        return delivery;
    }

    void reset() {
        deliveries.clear();
    }

    @Override
    public List<Delivery> deliveries(String requestId) {
        return List.copyOf(deliveries.getOrDefault(requestId, List.of()));
    }
}
