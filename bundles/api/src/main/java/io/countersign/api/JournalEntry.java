package io.countersign.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.json.Jcs;
import java.time.Instant;

/**
 * One durable journal record.
 *
 * @param seq position in the journal, from 0
 * @param prevHash {@code sha256:<hex>} of the previous entry (all zeros for the first)
 * @param hash {@code sha256:<hex>} over the previous hash and this entry's canonical bytes
 */
public record JournalEntry(long seq, Instant time, String type, ObjectNode data, String prevHash, String hash) {

    /** The bytes this entry's hash is computed over (bundles/journal/FORMAT.md): what evidence bundles carry. */
    public byte[] canonicalBytes() {
        return canonicalBytes(seq, time, type, data, prevHash);
    }

    /** The RFC 8785 form of the entry object {@code {seq, time, type, data, prev}}. */
    public static byte[] canonicalBytes(long seq, Instant time, String type, ObjectNode data, String prev) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("seq", seq);
        entry.put("time", time.toString());
        entry.put("type", type);
        entry.set("data", data);
        entry.put("prev", prev);
        return Jcs.canonicalize(entry);
    }
}
