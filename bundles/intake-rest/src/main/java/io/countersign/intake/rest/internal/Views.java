package io.countersign.intake.rest.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ApprovalService;
import io.countersign.api.Decision;
import io.countersign.api.ExecutionReport;
import io.countersign.api.Grant;
import io.countersign.api.GroupQuorum;
import io.countersign.api.RequestView;
import io.countersign.api.Vote;
import java.util.Locale;

/** The JSON the API answers with. */
final class Views {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Views() {
    }

    /** A request as its own agent sees it: with the grant token, which only that agent may present. */
    static ObjectNode requestForAgent(RequestView view, ApprovalService approvals) {
        ObjectNode json = request(view);
        if (view.grant() != null) {
            ((ObjectNode) json.get("grant")).put("token", approvals.grantToken(view.grant()));
        }
        return json;
    }

    static ObjectNode request(RequestView view) {
        Action action = view.request().action();
        ObjectNode json = JSON.objectNode();
        json.put("id", view.id());
        json.put("status", view.status().wireName());
        json.put("digest", view.request().digest());
        json.put("action", action.action());
        json.put("resource", action.resource());
        json.set("parameters", action.parameters());
        json.put("environment", action.environment());
        json.put("justification", view.request().justification());
        json.put("requester", action.requester());
        ArrayNode onBehalfOf = json.putArray("onBehalfOf");
        action.onBehalfOf().forEach(onBehalfOf::add);
        json.put("receivedAt", view.request().receivedAt().toString());
        json.set("decision", decision(view.decision()));
        ArrayNode votes = json.putArray("votes");
        for (Vote vote : view.votes()) {
            ObjectNode v = votes.addObject();
            v.put("reviewer", vote.reviewer());
            v.put("verdict", vote.verdict().wireName());
            v.put("channel", vote.channel());
            if (vote.comment() != null) {
                v.put("comment", vote.comment());
            }
            v.put("at", vote.at().toString());
        }
        if (view.deadline() != null) {
            json.put("deadline", view.deadline().toString());
        }
        if (view.decidedAt() != null) {
            json.put("decidedAt", view.decidedAt().toString());
        }
        if (view.grant() != null) {
            json.set("grant", grant(view));
        }
        if (view.execution() != null) {
            json.set("execution", execution(view.execution()));
        }
        if (view.breakGlass() != null) {
            json.putObject("breakGlass").put("reason", view.breakGlass().reason())
                    .put("grantTtl", view.breakGlass().grantTtl().toString())
                    .put("reviewRequest", view.breakGlass().reviewRequest());
        }
        if (view.escalationLevel() > 0) {
            json.put("escalationLevel", view.escalationLevel());
        }
        json.put("version", view.version());
        return json;
    }

    private static ObjectNode grant(RequestView view) {
        Grant grant = view.grant();
        ObjectNode json = JSON.objectNode();
        json.put("id", grant.id());
        json.put("digest", grant.digest());
        grant.approvers().forEach(json.putArray("approvers")::add);
        json.put("issuedAt", grant.issuedAt().toString());
        json.put("expiresAt", grant.expiresAt().toString());
        json.put("keyId", grant.keyId());
        if (view.grantConsumedAt() != null) {
            json.put("consumedAt", view.grantConsumedAt().toString());
        }
        return json;
    }

    private static ObjectNode execution(ExecutionReport report) {
        ObjectNode json = JSON.objectNode();
        json.put("outcome", report.outcome().wireName());
        if (report.resultDigest() != null) {
            json.put("resultDigest", report.resultDigest());
        }
        if (report.affected() != null) {
            json.put("affected", report.affected());
        }
        if (report.detail() != null) {
            json.put("detail", report.detail());
        }
        json.put("at", report.at().toString());
        return json;
    }

    static ObjectNode decision(Decision decision) {
        ObjectNode json = JSON.objectNode();
        json.put("outcome", decision.outcome().name().toLowerCase(Locale.ROOT));
        decision.reasons().forEach(json.putArray("reasons")::add);
        decision.rules().forEach(json.putArray("rules")::add);
        json.put("policyVersion", decision.policyVersion());
        if (decision.route() != null) {
            ObjectNode route = json.putObject("route");
            ArrayNode quorums = route.putArray("quorums");
            for (GroupQuorum quorum : decision.route().quorums()) {
                quorums.addObject().put("group", quorum.group()).put("approvals", quorum.approvals());
            }
            route.put("timeout", decision.route().timeout().toString());
            route.put("denialsToReject", decision.route().denialsToReject());
            if (!decision.route().escalations().isEmpty()) {
                ArrayNode ladder = route.putArray("escalations");
                decision.route().escalations().forEach(step -> ladder.addObject()
                        .put("after", step.after().toString()).put("group", step.group()));
            }
            if (!decision.route().channels().isEmpty()) {
                decision.route().channels().forEach(route.putArray("channels")::add);
            }
            if (decision.route().stepUp()) {
                route.put("stepUp", true);
            }
        }
        if (decision.breakGlass() != null) {
            json.putObject("breakGlassAllowed").put("grantTtl", decision.breakGlass().grantTtl().toString());
        }
        return json;
    }

    static ObjectNode standing(io.countersign.api.StandingApproval approval) {
        ObjectNode json = JSON.objectNode();
        json.put("id", approval.id());
        json.put("approver", approval.approver());
        json.put("group", approval.group());
        json.put("agent", approval.agent());
        approval.onBehalfOf().forEach(json.putArray("onBehalfOf")::add);
        json.put("action", approval.action());
        json.put("environment", approval.environment());
        if (approval.resource() != null) {
            json.put("resource", approval.resource());
        }
        ArrayNode bounds = json.putArray("bounds");
        approval.bounds().forEach(bound -> bounds.addObject().put("parameter", bound.parameter())
                .put("op", bound.operator().symbol()).set("value", bound.value()));
        json.put("validFrom", approval.validFrom().toString());
        json.put("validUntil", approval.validUntil().toString());
        json.put("maxUses", approval.maxUses());
        json.put("uses", approval.uses());
        json.put("reason", approval.reason());
        if (approval.revokedAt() != null) {
            json.put("revokedAt", approval.revokedAt().toString());
            json.put("revokedBy", approval.revokedBy());
        }
        return json;
    }
}
