package io.countersign.siem.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Directory;
import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code GET /v1/siem/status}: each sink's cursor, lag and last error. For reviewers, like the ledger's entries and
 * the anchoring status (it names receivers and their errors).
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=" + SiemStatusRoute.PATH)
public final class SiemStatusRoute implements HttpRoute {

    static final String PATH = "/v1/siem/status";

    private final Directory directory;
    private final List<SiemSink> sinks = new CopyOnWriteArrayList<>();

    @Activate
    public SiemStatusRoute(@Reference Directory directory) {
        this.directory = directory;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSink(SiemSink sink) {
        sinks.add(sink);
    }

    void removeSink(SiemSink sink) {
        sinks.remove(sink);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).equals(PATH)) {
            return false;
        }
        if (!request.getMethod().equals("GET")) {
            Exchanges.methodNotAllowed(response, callback, "GET");
        } else if (Exchanges.bearer(request).flatMap(directory::reviewerByToken).isEmpty()) {
            Exchanges.unauthorized(response, callback, "a reviewer token is required to read the SIEM export status");
        } else {
            Exchanges.json(response, callback, 200, toJson(sinks.stream().map(SiemSink::status).toList()));
        }
        return true;
    }

    static ObjectNode toJson(List<SinkStatus> statuses) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ArrayNode array = json.putArray("sinks");
        statuses.stream().sorted(Comparator.comparing(SinkStatus::name)).forEach(status -> {
            ObjectNode sink = array.addObject();
            sink.put("name", status.name());
            sink.put("format", status.format());
            sink.put("transport", status.transport());
            sink.put("target", status.target());
            sink.put("state", status.state());
            sink.put("confirmed", status.confirmed());
            sink.put("sent", status.sent());
            sink.put("journalSize", status.journalSize());
            sink.put("lag", status.lag());
            sink.put("lastConfirmedAt", time(status.lastConfirmedAt()));
            sink.put("lastError", status.lastError());
            sink.put("lastErrorAt", time(status.lastErrorAt()));
            sink.put("retries", status.retries());
        });
        return json;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
