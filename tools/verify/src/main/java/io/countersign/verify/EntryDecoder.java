package io.countersign.verify;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Every check of an entry that needs only its own line (§7 item 2, and the per-entry parts of item 8:
 * the action digest and the grant's times). Stateless, so lines can be decoded in parallel.
 */
final class EntryDecoder {
    static final long MAX_EXACT_SEQ = 1L << 53;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NO_TIME = Long.MIN_VALUE;

    private EntryDecoder() {
    }

    static Entry decode(byte[] bytes, int from, int to) {
        MessageDigest sha = Digests.sha256();
        sha.update(bytes, from, to - from);
        byte[] hash = sha.digest();
        List<Entry.Problem> problems = new ArrayList<>(0);
        EntryFields fields = CanonicalEntryReader.read(bytes, from, to);
        boolean canonical = fields != null;
        if (fields == null) {
            JsonEntryReader.Result read = JsonEntryReader.read(bytes, from, to);
            if (read.problem() != null) {
                problems.add(new Entry.Problem("entry", read.problem()));
                return new Entry(read.seq(), null, 0, null, null, null, hash, false, problems);
            }
            fields = read.fields();
            String deviation = CanonicalJson.deviation(bytes, from, to);
            canonical = deviation == null;
            if (!canonical) {
                problems.add(new Entry.Problem("entry", "the line is not the entry's canonical bytes (RFC 8785): " + deviation));
            }
        }
        EntryData data = fields.data();
        String type = fields.type();
        if (data.text(DataMember.REQUEST) == null && EntryTypes.mustNameRequest(type)) {
            problems.add(new Entry.Problem("entry", "data has no \"request\" string"));
        }
        checkMembers(type, data, problems);
        if (EntryTypes.REQUEST_RECEIVED.equals(type)) {
            checkRequestReceived(bytes, from, canonical, data, problems);
        } else if (EntryTypes.GRANT_ISSUED.equals(type)) {
            checkGrantIssued(data, problems);
        }
        return new Entry(fields.seq(), fields.time(), fields.timeNanos(), type, data, fields.prev(), hash, true, problems);
    }

    private static void checkMembers(String type, EntryData data, List<Entry.Problem> problems) {
        List<String> missing = new ArrayList<>(0);
        for (DataMember member : EntryTypes.requiredMembers(type)) {
            if (!data.has(member)) {
                missing.add(member.json);
            }
        }
        if (!missing.isEmpty()) {
            problems.add(new Entry.Problem("entry", type + " lacks data member(s) " + String.join(", ", missing)));
        }
        for (DataMember member : EntryTypes.TIME_MEMBERS) {
            if (!data.has(member)) {
                continue;
            }
            String time = data.text(member);
            if (time == null) {
                problems.add(new Entry.Problem("entry", "data." + member.json + " is not a string"));
                continue;
            }
            try {
                JournalTime.parse(time);
            } catch (IllegalArgumentException e) {
                problems.add(new Entry.Problem("entry", "data." + member.json + ": " + e.getMessage()));
            }
        }
    }

    /**
     * The action digest is H(RFC 8785 form of the action). In a canonical line the action's bytes already are
     * that form (every part of a canonical document is canonical), so they are hashed as they stand; only a
     * line that failed the canonical check has its action re-serialised.
     */
    private static void checkRequestReceived(byte[] bytes, int from, boolean canonical, EntryData data,
                                             List<Entry.Problem> problems) {
        if (!data.hasActionObject()) {
            problems.add(new Entry.Problem("rules", "data.action is not an object"));
            return;
        }
        int start = from + data.actionStart();
        int length = data.actionEnd() - data.actionStart();
        String computed;
        try {
            MessageDigest sha = Digests.sha256();
            if (canonical) {
                sha.update(bytes, start, length);
            } else {
                sha.update(Jcs.canonicalize(Json.read(bytes, start, length)));
            }
            computed = Digests.text(sha.digest());
        } catch (IOException | IllegalArgumentException e) {
            problems.add(new Entry.Problem("rules", "the action cannot be canonicalized: " + e.getMessage()));
            return;
        }
        String digest = data.text(DataMember.DIGEST);
        if (!computed.equals(digest)) {
            problems.add(new Entry.Problem("rules", "digest " + digest
                    + " does not match the RFC 8785 digest of the action, " + computed));
        }
        if (data.requester() == null || !data.requester().equals(data.agentId())) {
            problems.add(new Entry.Problem("rules", "action.requester " + data.requester() + " is not the agent "
                    + data.agentId()));
        }
    }

    /**
     * §5: a grant token is a bearer credential, so the entry records its claims and never the token itself;
     * §6: the times are whole seconds (a token's NumericDates) and the grant expires no earlier than it is issued.
     */
    private static void checkGrantIssued(EntryData data, List<Entry.Problem> problems) {
        if (data.has(DataMember.TOKEN)) {
            problems.add(new Entry.Problem("grant", "grant.issued carries a bearer token; tokens must not be journaled"));
        }
        long issuedAt = timeInWholeSeconds(data, DataMember.ISSUED_AT, problems);
        long expiresAt = timeInWholeSeconds(data, DataMember.EXPIRES_AT, problems);
        if (issuedAt != NO_TIME && expiresAt != NO_TIME && issuedAt > expiresAt) {
            problems.add(new Entry.Problem("rules", "issuedAt " + data.text(DataMember.ISSUED_AT)
                    + " is after expiresAt " + data.text(DataMember.EXPIRES_AT)));
        }
    }

    /**
     * The member's instant in nanoseconds, with a problem when it has a fraction of a second; {@link #NO_TIME}
     * when it is missing or malformed, which {@link #checkMembers} reports.
     */
    private static long timeInWholeSeconds(EntryData data, DataMember member, List<Entry.Problem> problems) {
        String text = data.text(member);
        if (text == null) {
            return NO_TIME;
        }
        long nanos;
        try {
            nanos = JournalTime.parse(text);
        } catch (IllegalArgumentException e) {
            return NO_TIME;
        }
        if (nanos % NANOS_PER_SECOND != 0) {
            problems.add(new Entry.Problem("rules", member.json + " " + text + " is not a whole second"));
        }
        return nanos;
    }
}
