package io.countersign.api.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A notification the provider accepted, as journaled ({@code notification.sent}).
 *
 * @param reference the provider's handle on the message, set by the channel: Slack's channel and ts, the Teams
 *                  conversation and activity ids, the email's Message-ID and the hash of its link token
 */
public record Delivery(String notificationId, String requestId, String channel, String address, String reviewer,
                       NotificationKind kind, ObjectNode reference, Instant at) {
    public Delivery {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(reviewer, "reviewer");
        Objects.requireNonNull(reference, "reference");
    }
}
