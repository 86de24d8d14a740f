package io.countersign.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Something a review channel saw that is not a vote but belongs in the record: an inbound call it refused (a forged
 * signature, a stale timestamp, a replay, an invalid JWT, an unknown reviewer), or an email link that was opened.
 * Journaled as {@code channel.refused} or {@code channel.viewed}; it changes no request.
 *
 * @param code      a stable machine-readable reason, e.g. {@code bad-signature}, {@code stale-timestamp}
 * @param requestId the request the call named, or {@code null}; unverified, so never trusted as a reference
 * @param reviewer  the directory identity, when it was established, or {@code null}
 * @param evidence  what an auditor needs to see what arrived: hashes and claims, never a secret or a valid token
 */
public record ChannelEvent(String channel, Kind kind, String code, String detail, String requestId, String reviewer,
                           ObjectNode evidence) {
    public enum Kind {
        REFUSED("channel.refused"),
        VIEWED("channel.viewed");

        private final String entryType;

        Kind(String entryType) {
            this.entryType = entryType;
        }

        public String entryType() {
            return entryType;
        }
    }

    public ChannelEvent {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(evidence, "evidence");
    }
}
