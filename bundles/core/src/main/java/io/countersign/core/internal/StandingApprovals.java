package io.countersign.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ParameterBound;
import io.countersign.api.StandingApproval;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The standing approvals granted, with their uses, as the journal has them. A use and a revocation are decided under
 * one lock, so the {@code maxUses}-th use is the last one and nothing is used after its revocation was decided.
 */
final class StandingApprovals {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    // integers read back as long, as the journal reads its entries, so a restored bound equals a replayed one
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS);
    private static final int MAX_GRANTED_JSON_BYTES = 1 << 24;

    /** In the order they were granted: {@link #take} uses the oldest that fits. */
    private final Map<String, StandingApproval> byId = new LinkedHashMap<>();

    StandingApprovals() {
    }

    /** An independent copy: the engine takes uses not yet durable, the journal's follower only durable ones. */
    StandingApprovals(StandingApprovals other) {
        synchronized (other) {
            byId.putAll(other.byId);
        }
    }

    /** Each approval as its grant entry has it, then its uses and revocation (docs/restart-design.md §5.3). */
    synchronized void write(DataOutput out) throws IOException {
        out.writeInt(byId.size());
        for (StandingApproval approval : byId.values()) {
            BinaryFields.writeLongString(out, MAPPER.writeValueAsString(granted(approval)));
            out.writeInt(approval.uses());
            Instant revokedAt = approval.revokedAt();
            // seconds and nanos rather than microseconds: the revocation time is the journal's, to the nanosecond
            out.writeLong(revokedAt == null ? -1 : revokedAt.getEpochSecond());
            out.writeInt(revokedAt == null ? -1 : revokedAt.getNano());
            BinaryFields.writeShortString(out, approval.revokedBy() == null ? "" : approval.revokedBy());
        }
    }

    static StandingApprovals read(DataInput in) throws IOException {
        StandingApprovals approvals = new StandingApprovals();
        int count = BinaryFields.readCount(in, Integer.MAX_VALUE);
        for (int i = 0; i < count; i++) {
            StandingApproval granted = decode(MAPPER.readTree(BinaryFields.readLongString(in, MAX_GRANTED_JSON_BYTES))
                    .path("standing"));
            int uses = in.readInt();
            long revokedSeconds = in.readLong();
            int revokedNanos = in.readInt();
            String revokedBy = BinaryFields.readShortString(in);
            Instant revokedAt = revokedNanos < 0 ? null : Instant.ofEpochSecond(revokedSeconds, revokedNanos);
            approvals.byId.put(granted.id(), new StandingApproval(granted.id(), granted.approver(), granted.group(),
                    granted.agent(), granted.onBehalfOf(), granted.action(), granted.environment(),
                    granted.resource(), granted.bounds(), granted.validFrom(), granted.validUntil(),
                    granted.maxUses(), granted.reason(), uses, revokedAt, revokedAt == null ? null : revokedBy));
        }
        return approvals;
    }

    synchronized void add(StandingApproval approval) {
        byId.put(approval.id(), approval);
    }

    synchronized Optional<StandingApproval> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    synchronized List<StandingApproval> all() {
        List<StandingApproval> list = new ArrayList<>(byId.values());
        list.sort(Comparator.comparing(StandingApproval::validFrom).reversed().thenComparing(StandingApproval::id));
        return list;
    }

    /**
     * Takes one use of the oldest standing approval that covers {@code action} at {@code at} and that {@code usable}
     * accepts (its approver can satisfy the route alone, and may review this request); empty when none does.
     */
    synchronized Optional<StandingApproval> take(Action action, Instant at, Predicate<StandingApproval> usable) {
        for (StandingApproval approval : byId.values()) {
            if (approval.isActive(at) && approval.covers(action) && usable.test(approval)) {
                StandingApproval used = approval.used();
                byId.put(used.id(), used);
                return Optional.of(used);
            }
        }
        return Optional.empty();
    }

    /** Marks it revoked now; empty if unknown; the same approval unchanged if it was already revoked. */
    synchronized Optional<StandingApproval> revoke(String id, Instant at, String by) {
        StandingApproval approval = byId.get(id);
        if (approval == null || approval.revokedAt() != null) {
            return Optional.ofNullable(approval);
        }
        StandingApproval revoked = approval.revoked(at, by);
        byId.put(id, revoked);
        return Optional.of(revoked);
    }

    /** Replays a {@code standing.*} entry. */
    synchronized void apply(String type, JsonNode data) {
        switch (type) {
            case EntryTypes.STANDING_GRANTED -> add(decode(data.path("standing")));
            case EntryTypes.STANDING_USED -> byId.computeIfPresent(data.path("standing").asText(),
                    (id, approval) -> approval.used());
            case EntryTypes.STANDING_REVOKED -> byId.computeIfPresent(data.path("standing").asText(),
                    (id, approval) -> approval.revoked(Instant.parse(data.path("at").asText()),
                            data.path("by").asText()));
            default -> throw new IllegalArgumentException("not a standing-approval entry: " + type);
        }
    }

    static ObjectNode granted(StandingApproval approval) {
        ObjectNode data = JSON.objectNode();
        ObjectNode json = data.putObject("standing");
        json.put("id", approval.id());
        json.put("approver", approval.approver());
        json.put("group", approval.group());
        json.put("agent", approval.agent());
        ArrayNode humans = json.putArray("onBehalfOf");
        approval.onBehalfOf().forEach(humans::add);
        json.put("action", approval.action());
        json.put("environment", approval.environment());
        if (approval.resource() != null) {
            json.put("resource", approval.resource());
        }
        ArrayNode bounds = json.putArray("bounds");
        for (ParameterBound bound : approval.bounds()) {
            bounds.addObject().put("parameter", bound.parameter()).put("op", bound.operator().symbol())
                    .set("value", bound.value());
        }
        json.put("validFrom", approval.validFrom().toString());
        json.put("validUntil", approval.validUntil().toString());
        json.put("maxUses", approval.maxUses());
        json.put("reason", approval.reason());
        data.put("at", approval.validFrom().toString());
        return data;
    }

    static StandingApproval decode(JsonNode json) {
        List<String> humans = new ArrayList<>();
        json.path("onBehalfOf").forEach(h -> humans.add(h.asText()));
        List<ParameterBound> bounds = new ArrayList<>();
        for (JsonNode bound : json.path("bounds")) {
            bounds.add(new ParameterBound(bound.path("parameter").asText(),
                    ParameterBound.Operator.fromSymbol(bound.path("op").asText()), bound.path("value")));
        }
        return new StandingApproval(json.path("id").asText(), json.path("approver").asText(),
                json.path("group").asText(), json.path("agent").asText(), humans, json.path("action").asText(),
                json.path("environment").asText(), json.hasNonNull("resource") ? json.get("resource").asText() : null,
                bounds, Instant.parse(json.path("validFrom").asText()), Instant.parse(json.path("validUntil").asText()),
                json.path("maxUses").asInt(), json.path("reason").asText(), 0, null, null);
    }

    static ObjectNode used(StandingApproval approval, String requestId, Instant at) {
        ObjectNode data = JSON.objectNode();
        data.put("request", requestId);
        data.put("standing", approval.id());
        data.put("approver", approval.approver());
        data.put("use", approval.uses());
        data.put("maxUses", approval.maxUses());
        data.put("at", at.toString());
        return data;
    }

    static ObjectNode revoked(StandingApproval approval) {
        ObjectNode data = JSON.objectNode();
        data.put("standing", approval.id());
        data.put("by", approval.revokedBy());
        data.put("at", approval.revokedAt().toString());
        return data;
    }
}
