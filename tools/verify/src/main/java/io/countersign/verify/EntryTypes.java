package io.countersign.verify;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The entry types of the approval flow (§6) and the data members each must have beyond {@code request}. */
final class EntryTypes {
    static final String REQUEST_RECEIVED = "request.received";
    static final String POLICY_DECIDED = "policy.decided";
    static final String REVIEW_ACCEPTED = "review.accepted";
    static final String REVIEW_REFUSED = "review.refused";
    static final String REQUEST_APPROVED = "request.approved";
    static final String REQUEST_DENIED = "request.denied";
    static final String REQUEST_EXPIRED = "request.expired";
    static final String GRANT_ISSUED = "grant.issued";
    static final String GRANT_CONSUMED = "grant.consumed";
    static final String GRANT_REFUSED = "grant.refused";
    static final String EXECUTION_REPORTED = "execution.reported";
    static final String BREAKGLASS_INVOKED = "breakglass.invoked";

    /** Members that hold journal times, checked wherever they appear. */
    static final List<DataMember> TIME_MEMBERS = List.of(DataMember.AT, DataMember.RECEIVED_AT, DataMember.ISSUED_AT,
            DataMember.EXPIRES_AT, DataMember.DEADLINE);

    private static final Set<DataMember> CLOSING = EnumSet.of(DataMember.AT, DataMember.STATUS, DataMember.CAUSE);
    private static final Map<String, Set<DataMember>> REQUIRED = Map.ofEntries(
            Map.entry(REQUEST_RECEIVED, EnumSet.of(DataMember.ACTION, DataMember.DIGEST, DataMember.JUSTIFICATION,
                    DataMember.RECEIVED_AT, DataMember.AGENT)),
            Map.entry(POLICY_DECIDED, EnumSet.of(DataMember.AT, DataMember.OUTCOME, DataMember.STATUS, DataMember.REASONS,
                    DataMember.RULES, DataMember.POLICY_VERSION)),
            Map.entry(REVIEW_ACCEPTED, EnumSet.of(DataMember.DIGEST, DataMember.REVIEWER, DataMember.VERDICT, DataMember.AT,
                    DataMember.GROUPS)),
            Map.entry(REVIEW_REFUSED, EnumSet.of(DataMember.REVIEWER, DataMember.GROUPS, DataMember.VERDICT, DataMember.REASON,
                    DataMember.DETAIL)),
            Map.entry(REQUEST_APPROVED, CLOSING),
            Map.entry(REQUEST_DENIED, CLOSING),
            Map.entry(REQUEST_EXPIRED, CLOSING),
            Map.entry(GRANT_ISSUED, EnumSet.of(DataMember.GRANT, DataMember.AGENT, DataMember.DIGEST, DataMember.APPROVERS,
                    DataMember.ISSUED_AT, DataMember.EXPIRES_AT)),
            Map.entry(GRANT_CONSUMED, EnumSet.of(DataMember.GRANT, DataMember.DIGEST, DataMember.BY, DataMember.AT)),
            Map.entry(GRANT_REFUSED, EnumSet.of(DataMember.GRANT, DataMember.REASON, DataMember.PRESENTED_DIGEST,
                    DataMember.BY, DataMember.AT)),
            Map.entry(EXECUTION_REPORTED, EnumSet.of(DataMember.GRANT, DataMember.DIGEST, DataMember.OUTCOME, DataMember.BY,
                    DataMember.AT)));

    private EntryTypes() {
    }

    /**
     * Entries about messages to and from reviewers ({@code notification.*}, {@code channel.*}): they name a request
     * but change none, may come after it finished, and a {@code channel.refused} may name a request id a caller
     * made up. They are covered by the hash chain and the tree like every entry, and take no part in the chain rules.
     */
    static boolean isAboutMessages(String type) {
        return type.startsWith("notification.") || type.startsWith("channel.");
    }

    /**
     * Entries recording that the journal was anchored on Fabric ({@code anchor.confirmed}, §9.4): they name no request
     * and take no part in the chain rules.
     */
    static boolean isAboutAnchoring(String type) {
        return type.startsWith("anchor.");
    }

    /**
     * Whether entries of this type must name a request: the approval flow's own types do; entries about policy
     * changes and standing approvals ({@code policy.proposed}, {@code standing.granted} …) may name none.
     */
    static boolean mustNameRequest(String type) {
        return REQUIRED.containsKey(type) || type.equals(BREAKGLASS_INVOKED) || type.equals("standing.used")
                || type.equals("request.escalated");
    }

    /** The members this type must have; empty for types the verifier has no rules for. */
    static Set<DataMember> requiredMembers(String type) {
        return REQUIRED.getOrDefault(type, Set.of());
    }
}
