package io.countersign.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ParameterBound;
import io.countersign.api.StandingApproval;
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

    private final Map<String, StandingApproval> byId = new LinkedHashMap<>();

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
