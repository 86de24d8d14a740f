package io.countersign.verify;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The fast path for an entry line: checks that it is canonical JSON and reads the entry's members in the
 * same pass. Returns null for anything else (a deviation from canonical form, a missing member, a wrong
 * type), which {@link JsonEntryReader} then reads and diagnoses; a valid journal never takes that path.
 */
final class CanonicalEntryReader {
    private static final byte[] DATA = ascii("data");
    private static final byte[] PREV = ascii("prev");
    private static final byte[] SEQ = ascii("seq");
    private static final byte[] TIME = ascii("time");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] REQUESTER = ascii("requester");
    private static final byte[] ON_BEHALF_OF = ascii("onBehalfOf");
    private static final byte[] ID = ascii("id");

    private final CanonicalJson json;
    private final int from;
    private long seq = -1;
    private String time;
    private String type;
    private String prev;
    private EntryData data;
    private boolean unexpected;
    private String requester;
    private List<String> onBehalfOf;
    private String agentId;

    private CanonicalEntryReader(byte[] bytes, int from, int to) {
        this.json = new CanonicalJson(bytes, from, to);
        this.from = from;
    }

    /** The entry of the canonical line {@code bytes[from, to)}, or null when the line is not exactly that. */
    static EntryFields read(byte[] bytes, int from, int to) {
        CanonicalEntryReader reader = new CanonicalEntryReader(bytes, from, to);
        try {
            reader.json.object(0, reader::entryMember);
            reader.json.requireEnd();
            return reader.fields();
        } catch (CanonicalJson.NotCanonical | IllegalArgumentException e) {
            return null;
        }
    }

    private EntryFields fields() {
        byte[] prevHash = Digests.parseText(prev);
        if (unexpected || data == null || seq < 0 || seq > EntryDecoder.MAX_EXACT_SEQ || time == null || type == null
                || type.isEmpty() || prevHash == null) {
            return null;
        }
        return new EntryFields(seq, time, JournalTime.parse(time), type, data, prevHash);
    }

    private void entryMember(int start, int stop, boolean simple, int depth) {
        if (json.nameEquals(start, stop, DATA) && json.at('{')) {
            data = new EntryData();
            json.object(depth + 1, this::dataMember);
        } else if (json.nameEquals(start, stop, PREV) && json.at('"')) {
            prev = json.stringValue();
        } else if (json.nameEquals(start, stop, SEQ) && !json.at('"')) {
            seq = json.naturalNumberValue();
        } else if (json.nameEquals(start, stop, TIME) && json.at('"')) {
            time = json.stringValue();
        } else if (json.nameEquals(start, stop, TYPE) && json.at('"')) {
            type = json.stringValue();
        } else {
            unexpected = true;
            json.value(depth);
        }
    }

    private void dataMember(int start, int stop, boolean simple, int depth) {
        DataMember member = DataMember.named(json, start, stop);
        if (member == null || json.atNull()) {
            json.value(depth);
            return;
        }
        switch (member) {
            case ACTION -> action(depth);
            case AGENT -> agent(depth);
            case APPROVERS -> data.put(member, json.stringArrayValue(depth));
            default -> {
                if (json.at('"')) {
                    data.put(member, json.stringValue());
                } else {
                    json.value(depth);
                    data.put(member, null);
                }
            }
        }
    }

    private void action(int depth) {
        if (!json.at('{')) {
            json.value(depth);
            data.put(DataMember.ACTION, null);
            return;
        }
        requester = null;
        onBehalfOf = List.of();
        int start = json.position();
        json.object(depth + 1, this::actionMember);
        data.action(start - from, json.position() - from, requester, onBehalfOf);
    }

    private void actionMember(int start, int stop, boolean simple, int depth) {
        if (json.nameEquals(start, stop, REQUESTER) && json.at('"')) {
            requester = json.stringValue();
        } else if (json.nameEquals(start, stop, ON_BEHALF_OF)) {
            onBehalfOf = json.at('"') ? List.of(json.stringValue())
                    : Objects.requireNonNullElse(json.stringArrayValue(depth), List.of());
        } else {
            json.value(depth);
        }
    }

    /** An object in request.received; in grant.issued, the agent's id. */
    private void agent(int depth) {
        if (json.at('"')) {
            data.put(DataMember.AGENT, json.stringValue());
            return;
        }
        if (!json.at('{')) {
            json.value(depth);
            data.put(DataMember.AGENT, null);
            return;
        }
        agentId = null;
        json.object(depth + 1, this::agentMember);
        data.agent(agentId);
    }

    private void agentMember(int start, int stop, boolean simple, int depth) {
        if (json.nameEquals(start, stop, ID) && json.at('"')) {
            agentId = json.stringValue();
        } else {
            json.value(depth);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
