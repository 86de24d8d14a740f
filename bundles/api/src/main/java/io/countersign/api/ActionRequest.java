package io.countersign.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A request as Countersign received it.
 *
 * @param digest {@code sha256:<hex>} over the canonical form of {@link #action()}
 * @param idempotencyKey the caller's retry key, or {@code null}
 */
public record ActionRequest(String id, Action action, String justification, String digest, Instant receivedAt,
                            String idempotencyKey) {
    public ActionRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(justification, "justification");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
