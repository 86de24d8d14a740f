package io.countersign.channel.email.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.NotificationLog;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A link token as its delivery journaled it: bound to one request, one reviewer (and the address it was sent to) and
 * one digest, until {@code expiresAt}.
 */
record IssuedToken(String tokenHash, String requestId, String reviewer, String address, String digest,
                   Instant expiresAt, String messageId) {

    boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /**
     * The token among the request's email deliveries whose hash matches; every candidate is compared, in constant
     * time, so the time taken does not tell how close a guess came.
     */
    static Optional<IssuedToken> find(NotificationLog log, String requestId, String token) {
        String hash = LinkTokens.hash(token);
        IssuedToken found = null;
        for (Delivery delivery : log.deliveries(requestId)) {
            if (!EmailChannel.NAME.equals(delivery.channel()) || !requestId.equals(delivery.requestId())) {
                continue;
            }
            JsonNode reference = delivery.reference();
            String candidate = reference.path("tokenHash").asText("");
            if (LinkTokens.same(candidate, hash) && found == null) {
                found = parse(delivery, candidate);
            }
        }
        return Optional.ofNullable(found);
    }

    private static IssuedToken parse(Delivery delivery, String hash) {
        JsonNode reference = delivery.reference();
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(reference.path("expiresAt").asText(""));
        } catch (DateTimeParseException e) {
            return null; // a token without a readable expiry is no token
        }
        String reviewer = reference.path("reviewer").asText(delivery.reviewer());
        if (!reviewer.equals(delivery.reviewer()) || delivery.address() == null) {
            return null;
        }
        return new IssuedToken(hash, delivery.requestId(), reviewer, delivery.address(),
                reference.path("digest").asText(null), expiresAt, reference.path("messageId").asText(null));
    }
}
