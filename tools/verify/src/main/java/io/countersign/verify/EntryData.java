package io.countersign.verify;

import java.util.List;

/**
 * What the checks use of an entry's {@code data}: the string members of {@link DataMember}, the list of
 * strings {@code approvers}, {@code action.requester}, {@code action.onBehalfOf}, {@code agent.id}, and
 * where the {@code action} object lies in the line. A member whose value is null counts as absent.
 * Filled by one reader, then only read.
 */
final class EntryData {
    private final Object[] values = new Object[DataMember.values().length];
    private long present;
    private String requester;
    private List<String> onBehalfOf = List.of();
    private String agentId;
    private int actionStart = -1;
    private int actionEnd = -1;

    /** Records a member; {@code value} is its string, its list of strings, or null when it is neither. */
    void put(DataMember member, Object value) {
        present |= member.bit();
        values[member.ordinal()] = value;
    }

    /** Records the action object, at {@code [start, end)} relative to the start of the line. */
    void action(int start, int end, String actionRequester, List<String> actionOnBehalfOf) {
        put(DataMember.ACTION, null);
        actionStart = start;
        actionEnd = end;
        requester = actionRequester;
        onBehalfOf = actionOnBehalfOf;
    }

    /** Records request.received's {@code agent} object by its id (in grant.issued, {@code agent} is a plain string). */
    void agent(String id) {
        put(DataMember.AGENT, null);
        agentId = id;
    }

    boolean has(DataMember member) {
        return (present & member.bit()) != 0;
    }

    /** The member's string value, or null when it is absent or not a string. */
    String text(DataMember member) {
        return values[member.ordinal()] instanceof String text ? text : null;
    }

    /** The member's value when it is an array of strings, else null. */
    @SuppressWarnings("unchecked")
    List<String> texts(DataMember member) {
        return values[member.ordinal()] instanceof List<?> list ? (List<String>) list : null;
    }

    String requester() {
        return requester;
    }

    List<String> onBehalfOf() {
        return onBehalfOf;
    }

    String agentId() {
        return agentId;
    }

    boolean hasActionObject() {
        return actionStart >= 0;
    }

    int actionStart() {
        return actionStart;
    }

    int actionEnd() {
        return actionEnd;
    }
}
