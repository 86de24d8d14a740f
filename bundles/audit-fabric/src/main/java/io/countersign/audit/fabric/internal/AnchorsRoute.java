package io.countersign.audit.fabric.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Directory;
import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code GET /v1/ledger/anchors}: how anchoring on Fabric goes. For reviewers, like the ledger's entries: it names the
 * peer's organisation and Fabric's errors. Present only while anchoring is configured (it shares its
 * configuration, so that without one nothing in this bundle waits for anything).
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=" + AnchorsRoute.PATH,
        configurationPid = FabricAnchoring.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class AnchorsRoute implements HttpRoute {

    static final String PATH = "/v1/ledger/anchors";

    private final AnchoringStatus anchoring;
    private final Directory directory;

    @Activate
    public AnchorsRoute(@Reference AnchoringStatus anchoring, @Reference Directory directory) {
        this.anchoring = anchoring;
        this.directory = directory;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).equals(PATH)) {
            return false;
        }
        if (!request.getMethod().equals("GET")) {
            Exchanges.methodNotAllowed(response, callback, "GET");
        } else if (Exchanges.bearer(request).flatMap(directory::reviewerByToken).isEmpty()) {
            Exchanges.unauthorized(response, callback, "a reviewer token is required to read the anchoring status");
        } else {
            Exchanges.json(response, callback, 200, toJson(anchoring.status()));
        }
        return true;
    }

    static ObjectNode toJson(AnchorStatus status) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("state", status.state().label());
        putSize(json, "anchoredSize", status.anchoredSize());
        json.put("journalSize", status.journalSize());
        json.put("checkpointSize", status.checkpointSize());
        putSize(json, "backlog", status.backlog());
        json.put("lastTxId", status.lastTxId());
        putSize(json, "lastBlock", status.lastBlock());
        json.put("lastAnchoredAt", status.lastAnchoredAt() == null ? null : status.lastAnchoredAt().toString());
        json.put("lastError", status.lastError());
        json.put("channel", status.channel());
        json.put("chaincode", status.chaincode());
        json.put("mspId", status.mspId());
        return json;
    }

    /** Unknown (-1) is {@code null}: nothing has been heard from Fabric yet. */
    private static void putSize(ObjectNode json, String name, long value) {
        if (value < 0) {
            json.putNull(name);
        } else {
            json.put(name, value);
        }
    }
}
