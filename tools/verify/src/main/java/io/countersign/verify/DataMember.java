package io.countersign.verify;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The members of an entry's {@code data} that §6 names; any other member is allowed and ignored. */
enum DataMember {
    REQUEST("request"),
    ACTION("action"),
    DIGEST("digest"),
    JUSTIFICATION("justification"),
    RECEIVED_AT("receivedAt"),
    AGENT("agent"),
    AT("at"),
    OUTCOME("outcome"),
    STATUS("status"),
    REASONS("reasons"),
    RULES("rules"),
    POLICY_VERSION("policyVersion"),
    DEADLINE("deadline"),
    REVIEWER("reviewer"),
    VERDICT("verdict"),
    GROUPS("groups"),
    REASON("reason"),
    DETAIL("detail"),
    CAUSE("cause"),
    GRANT("grant"),
    APPROVERS("approvers"),
    ISSUED_AT("issuedAt"),
    EXPIRES_AT("expiresAt"),
    TOKEN("token"),
    BY("by"),
    PRESENTED_DIGEST("presentedDigest"),
    BREAK_GLASS("breakGlass"),
    BREAK_GLASS_ALLOWED("breakGlassAllowed");

    private static final Map<String, DataMember> BY_NAME = new HashMap<>();
    /** Members by the length of their name, so that a lookup compares with one or two names. */
    private static final DataMember[][] BY_LENGTH = new DataMember[32][];

    static {
        for (DataMember member : values()) {
            BY_NAME.put(member.json, member);
        }
        for (int length = 0; length < BY_LENGTH.length; length++) {
            int wanted = length;
            BY_LENGTH[length] = Arrays.stream(values()).filter(m -> m.json.length() == wanted).toArray(DataMember[]::new);
        }
    }

    final String json;
    private final byte[] ascii;

    DataMember(String json) {
        this.json = json;
        this.ascii = json.getBytes(StandardCharsets.US_ASCII);
    }

    /** The member of this JSON name, or null for a name §6 does not use. */
    static DataMember named(String name) {
        return BY_NAME.get(name);
    }

    /** The member whose name token is {@code [start, stop)} in {@code cursor}'s bytes, or null; allocates nothing. */
    static DataMember named(CanonicalJson cursor, int start, int stop) {
        int length = stop - start - 2;
        if (length >= BY_LENGTH.length) {
            return null;
        }
        for (DataMember member : BY_LENGTH[length]) {
            if (cursor.nameEquals(start, stop, member.ascii)) {
                return member;
            }
        }
        return null;
    }

    long bit() {
        return 1L << ordinal();
    }
}
