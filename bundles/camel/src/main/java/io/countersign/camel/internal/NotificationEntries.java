package io.countersign.camel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import java.time.Duration;
import java.time.Instant;

/** The journal entries of the notification outbox: what was delivered, retried and given up, for whom. */
final class NotificationEntries {

    static final String SENT = "notification.sent";
    static final String RETRYING = "notification.retrying";
    static final String FAILED = "notification.failed";
    static final String UNREACHABLE = "notification.unreachable";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private NotificationEntries() {
    }

    static ObjectNode sent(Notification notification, ObjectNode reference, Instant at) {
        ObjectNode data = about(notification);
        data.put("version", notification.view().version());
        data.set("reference", reference.deepCopy());
        data.put("at", at.toString());
        return data;
    }

    /** {@code retryAfter}: how long the provider asked us to wait, or {@code null} for the usual backoff. */
    static ObjectNode retrying(Notification notification, int attempt, String error, Duration retryAfter,
                               Instant at) {
        ObjectNode data = about(notification);
        data.put("attempt", attempt);
        data.put("error", error);
        if (retryAfter != null) {
            data.put("retryAfterMillis", retryAfter.toMillis());
        }
        data.put("at", at.toString());
        return data;
    }

    static ObjectNode failed(Notification notification, int attempts, String error, String fallback, Instant at) {
        ObjectNode data = about(notification);
        data.put("attempts", attempts);
        data.put("error", error);
        if (fallback != null) {
            data.put("fallback", fallback);
        }
        data.put("at", at.toString());
        return data;
    }

    static ObjectNode unreachable(String requestId, String reviewer, String detail, Instant at) {
        ObjectNode data = JSON.objectNode();
        data.put("request", requestId);
        data.put("reviewer", reviewer);
        data.put("detail", detail);
        data.put("at", at.toString());
        return data;
    }

    /** A {@code notification.sent} entry read back. */
    static Delivery delivery(JsonNode data) {
        JsonNode reference = data.path("reference");
        return new Delivery(data.path("notification").asText(), data.path("request").asText(),
                data.path("channel").asText(), data.path("address").asText(), data.path("reviewer").asText(),
                NotificationKind.fromWire(data.path("kind").asText()),
                reference.isObject() ? (ObjectNode) reference : JSON.objectNode(),
                Instant.parse(data.path("at").asText()));
    }

    static long version(JsonNode sent) {
        return sent.path("version").asLong(-1);
    }

    private static ObjectNode about(Notification notification) {
        ObjectNode data = JSON.objectNode();
        data.put("notification", notification.id());
        data.put("request", notification.view().id());
        data.put("channel", notification.channel());
        data.put("reviewer", notification.reviewer().id());
        data.put("address", notification.address());
        data.put("kind", notification.kind().wireName());
        if (notification.previous() != null) {
            data.put("updates", notification.previous().notificationId());
        }
        return data;
    }
}
