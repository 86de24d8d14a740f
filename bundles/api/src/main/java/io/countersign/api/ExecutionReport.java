package io.countersign.api;

import java.time.Instant;

/**
 * What an enforcement point reports after running a granted action.
 *
 * @param resultDigest {@code sha256:<hex>} of the result, or {@code null}
 * @param affected rows or objects affected, or {@code null}
 * @param detail a short free text, or {@code null}
 */
public record ExecutionReport(ExecutionOutcome outcome, String resultDigest, Long affected, String detail,
                              Instant at) {
}
