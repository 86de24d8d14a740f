package io.countersign.api;

import java.time.Instant;
import java.util.List;

/**
 * A single-use permission to run exactly one action (docs/evidence-format.md §5).
 *
 * @param agent the only agent that may consume it
 * @param digest the action digest it is bound to
 * @param approvers the reviewers whose approvals made the quorum, sorted; empty when policy allowed the action
 * @param keyId the key that signed {@code token}
 * @param token the compact JWS the enforcement point presents, or {@code null} for a grant read back from the
 *              journal, where tokens are never written ({@link ApprovalService#grantToken} reissues it)
 */
public record Grant(String id, String requestId, String agent, String digest, List<String> approvers,
                    Instant issuedAt, Instant expiresAt, String keyId, String token) {
    public Grant {
        approvers = List.copyOf(approvers);
    }
}
