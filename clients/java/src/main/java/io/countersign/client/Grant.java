package io.countersign.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A signed, single-use permission to run exactly the approved action once, before {@code expiresAt}.
 *
 * @param token      the compact JWS to present; only the agent that asked sees it, null in other views
 * @param consumedAt when it was consumed, or null while it is unused
 */
public record Grant(String id, String digest, List<String> approvers, Instant issuedAt, Instant expiresAt,
                    String token, Instant consumedAt) {

    public Grant {
        approvers = List.copyOf(approvers);
    }

    public boolean isConsumed() {
        return consumedAt != null;
    }

    public Optional<String> tokenIfPresent() {
        return Optional.ofNullable(token);
    }
}
