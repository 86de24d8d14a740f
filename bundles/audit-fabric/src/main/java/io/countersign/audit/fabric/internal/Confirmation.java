package io.countersign.audit.fabric.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The {@code anchor.confirmed} entry (docs/evidence-format.md §9.4): the entries {@code from <= seq < to} were
 * committed on Fabric by transaction {@code txId} in block {@code block}.
 *
 * @param checkpoints the sizes of the checkpoints anchored, one per segment
 * @param root the tree hash at {@code to}
 */
record Confirmation(long from, long to, List<Long> checkpoints, byte[] root, String channel, String chaincode,
                    String txId, long block, String mspId) {

    static final String TYPE = "anchor.confirmed";

    private static final int SCAN_CHUNK = 1024;

    ObjectNode toJson() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("from", from);
        data.put("to", to);
        ArrayNode sizes = data.putArray("checkpoints");
        checkpoints.forEach(sizes::add);
        data.put("root", Base64.getEncoder().encodeToString(root));
        data.put("channel", channel);
        data.put("chaincode", chaincode);
        data.put("txId", txId);
        data.put("block", block);
        data.put("mspId", mspId);
        return data;
    }

    /** What a journaled confirmation says: how far it confirms, and by which transaction. */
    record Journaled(long seq, long to, String txId) {
    }

    /**
     * The newest {@code anchor.confirmed} entry for {@code channel} and {@code chaincode}, looking back from the end
     * of the journal in chunks no further than {@code floor} (no confirmation can be older than it).
     */
    static Optional<Journaled> newest(Journal journal, String channel, String chaincode, long floor) {
        long end = journal.size();
        while (end > floor) {
            long start = Math.max(floor, end - SCAN_CHUNK);
            List<JournalEntry> chunk = journal.read(start, (int) (end - start));
            for (int i = chunk.size() - 1; i >= 0; i--) {
                JournalEntry entry = chunk.get(i);
                if (entry.seq() < end && TYPE.equals(entry.type()) && names(entry.data(), channel, chaincode)) {
                    return Optional.of(new Journaled(entry.seq(), entry.data().path("to").asLong(),
                            entry.data().path("txId").asText()));
                }
            }
            end = start;
        }
        return Optional.empty();
    }

    private static boolean names(JsonNode data, String channel, String chaincode) {
        return channel.equals(data.path("channel").asText()) && chaincode.equals(data.path("chaincode").asText());
    }
}
