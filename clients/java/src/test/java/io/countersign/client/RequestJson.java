package io.countersign.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Request views as the server writes them, for the scripted server to answer with. */
public final class RequestJson {

    public static final String AGENT = "deploy-agent";

    private RequestJson() {
    }

    public static ObjectNode view(String id, String status, long version, Action action) {
        ObjectNode json = action.toJson();
        json.put("id", id).put("status", status).put("digest", action.digest(AGENT))
                .put("justification", "release").put("requester", AGENT).put("receivedAt", "2026-12-07T20:00:00Z");
        ObjectNode decision = json.putObject("decision").put("outcome", status.equals("allowed") ? "allow" : "review");
        decision.putArray("reasons").add("deployments to production need a security reviewer");
        decision.putArray("rules").add("Deploy to production needs security review");
        decision.put("policyVersion", "sha256:" + "0".repeat(64));
        ObjectNode route = decision.putObject("route");
        route.putArray("quorums").addObject().put("group", "security").put("approvals", 1);
        route.put("timeout", "PT1H").put("denialsToReject", 1);
        route.putArray("channels").add("slack");
        json.putArray("votes");
        json.put("deadline", "2026-12-07T21:00:00Z");
        json.put("version", version);
        if (status.equals("allowed") || status.equals("approved")) {
            json.putObject("grant").put("id", "g-" + id).put("digest", action.digest(AGENT))
                    .put("issuedAt", "2026-12-07T20:01:00Z").put("expiresAt", "2026-12-07T20:16:00Z")
                    .put("keyId", "k1").put("token", "token-of-" + id).putArray("approvers").add("dave");
        }
        return json;
    }

    public static ScriptedServer.Step answer(int status, String id, String requestStatus, long version,
                                             Action action) {
        return ScriptedServer.json(status, view(id, requestStatus, version, action).toString());
    }

    public static ObjectNode consumed(ObjectNode view) {
        ((ObjectNode) view.get("grant")).remove("token");
        ((ObjectNode) view.get("grant")).put("consumedAt", "2026-12-07T20:02:00Z");
        return view;
    }
}
