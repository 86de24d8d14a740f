package io.countersign.intake.mcp.internal;

import io.countersign.api.Agent;
import io.countersign.api.Directory;
import io.countersign.api.SecurityEvents;
import io.countersign.http.Exchanges;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The MCP Streamable HTTP transport (protocol revision 2025-06-18) on a Jetty 12 core handler, as the SDK's
 * {@link McpStreamableServerTransportProvider}: the SDK's sessions run the protocol, this class carries it.
 * <p>
 * Every HTTP request must carry an agent key ({@code Authorization: Bearer}); a session belongs to the agent that
 * initialized it, and is unknown (404) to anyone else. {@code POST} carries one JSON-RPC message: {@code initialize}
 * is answered as JSON with a new {@code Mcp-Session-Id}, notifications and responses with 202, every other request
 * with an SSE stream (its notifications, then its response), or as JSON when the client does not accept SSE.
 * {@code DELETE} ends a session. {@code GET} is 405: this server sends nothing outside a request's stream.
 * Requests with an {@code Origin} header are refused (DNS rebinding): agents are not browsers.
 */
final class StreamableHttpTransport implements McpStreamableServerTransportProvider {

    /** Transport context keys the tool handlers read. */
    static final String AGENT = "countersign.agent";
    static final String ON_BEHALF_OF = "countersign.onBehalfOf";
    /** Optional request header naming the humans the agent acts for on this call (comma-separated). */
    static final String ON_BEHALF_OF_HEADER = "Countersign-On-Behalf-Of";

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpTransport.class);

    private record Session(McpStreamableServerSession session, String agent) {
    }

    private final Directory directory;
    private final McpJsonMapper json;
    private final int maxBodyBytes;
    private final SecurityEvents refusals;

    static final String SURFACE = "intake-mcp";
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Set<ResponseStream> open = ConcurrentHashMap.newKeySet();
    private volatile McpStreamableServerSession.Factory sessionFactory;
    private volatile boolean closing;

    StreamableHttpTransport(Directory directory, McpJsonMapper json, int maxBodyBytes) {
        this(directory, json, maxBodyBytes, (surface, code, status, detail, clientAddress) -> { });
    }

    StreamableHttpTransport(Directory directory, McpJsonMapper json, int maxBodyBytes, SecurityEvents refusals) {
        this.directory = directory;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
        this.refusals = refusals;
    }

    @Override
    public List<String> protocolVersions() {
        return List.of(ProtocolVersions.MCP_2024_11_05, ProtocolVersions.MCP_2025_03_26,
                ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_11_25);
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return Flux.fromIterable(sessions.values())
                .flatMap(s -> s.session().sendNotification(method, params).onErrorResume(e -> Mono.empty()))
                .then();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            closing = true;
            sessions.values().forEach(s -> s.session().close());
            sessions.clear();
            open.forEach(ResponseStream::close);
        });
    }

    /** Sends an SSE comment on every open stream. */
    void keepAlive() {
        open.forEach(ResponseStream::keepAlive);
    }

    int openStreams() {
        return open.size();
    }

    boolean handle(Request request, Response response, Callback callback) {
        if (closing) {
            error(response, callback, 503, null, "the MCP gateway is stopping");
            return true;
        }
        if (request.getHeaders().get(HttpHeader.ORIGIN) != null) {
            refusals.refused(SURFACE, "browser-origin", 403, "a request with an Origin header (from a browser)",
                    Request.getRemoteAddr(request));
            error(response, callback, 403, null, "requests from browsers (with an Origin header) are refused");
            return true;
        }
        Optional<Agent> agent = Exchanges.bearer(request).flatMap(directory::agentByKey);
        if (agent.isEmpty()) {
            refusals.refused(SURFACE, Exchanges.bearer(request).isPresent() ? "credential-unknown"
                    : "credential-missing", 401, "no known agent key on an MCP request", Request.getRemoteAddr(request));
            Exchanges.unauthorized(response, callback, "an agent API key is required: Authorization: Bearer <key>");
            return true;
        }
        switch (request.getMethod()) {
            case "POST" -> post(agent.get(), request, response, callback);
            case "DELETE" -> delete(agent.get(), request, response, callback);
            default -> {
                response.getHeaders().put(HttpHeader.ALLOW, "POST, DELETE");
                error(response, callback, 405, null, "this server opens no stream outside a request: use POST");
            }
        }
        return true;
    }

    private void post(Agent agent, Request request, Response response, Callback callback) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (!Exchanges.isUtf8(contentType, "application/json")) {
            error(response, callback, 415, null, "send one JSON-RPC message as application/json");
            return;
        }
        if (request.getLength() > maxBodyBytes) {
            error(response, callback, 413, null, "the body is larger than " + maxBodyBytes + " bytes");
            return;
        }
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        boolean sse = accept != null && accept.contains("text/event-stream");
        List<String> onBehalfOf = onBehalfOf(agent, request.getHeaders().get(ON_BEHALF_OF_HEADER));
        String sessionId = request.getHeaders().get(HttpHeaders.MCP_SESSION_ID);
        Content.Source.asByteArrayAsync(request, maxBodyBytes + 1).whenComplete((bytes, readFailure) -> {
            if (readFailure != null || bytes.length > maxBodyBytes) {
                error(response, callback, 413, null, "the body is larger than " + maxBodyBytes + " bytes");
                return;
            }
            McpSchema.JSONRPCMessage message;
            try {
                message = McpSchema.deserializeJsonRpcMessage(json, new String(bytes, StandardCharsets.UTF_8));
            } catch (IOException | IllegalArgumentException e) {
                error(response, callback, 400, McpSchema.ErrorCodes.PARSE_ERROR, "not a JSON-RPC message: "
                        + e.getMessage());
                return;
            }
            McpTransportContext context = McpTransportContext.create(Map.of(AGENT, agent, ON_BEHALF_OF, onBehalfOf));
            if (message instanceof McpSchema.JSONRPCRequest call && call.method().equals(McpSchema.METHOD_INITIALIZE)) {
                initialize(agent, call, response, callback);
                return;
            }
            if (sessionId == null || sessionId.isBlank()) {
                error(response, callback, 400, McpSchema.ErrorCodes.INVALID_REQUEST,
                        "Mcp-Session-Id is required after initialize");
                return;
            }
            Session session = sessions.get(sessionId);
            if (session == null || !session.agent().equals(agent.id())) {
                error(response, callback, 404, McpSchema.ErrorCodes.INVALID_REQUEST, "no session " + sessionId);
                return;
            }
            if (message instanceof McpSchema.JSONRPCRequest call) {
                ResponseStream stream = new ResponseStream(response, callback, json, sse, open::remove);
                open.add(stream);
                Disposable running = session.session().responseStream(call, stream)
                        .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context))
                        .subscribe(null, failure -> {
                            LOG.warn("MCP request {} in session {} failed", call.method(), sessionId, failure);
                            stream.close();
                        });
                // a client that went away no longer waits: its handler is cancelled
                stream.whenBroken(running::dispose);
                return;
            }
            Mono<Void> accepted = message instanceof McpSchema.JSONRPCResponse answer
                    ? session.session().accept(answer)
                    : session.session().accept((McpSchema.JSONRPCNotification) message);
            accepted.contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context)).subscribe(null,
                    failure -> LOG.debug("MCP message in session {} failed", sessionId, failure));
            response.setStatus(202);
            response.write(true, ByteBuffer.allocate(0), callback);
        });
    }

    private void initialize(Agent agent, McpSchema.JSONRPCRequest call, Response response, Callback callback) {
        McpSchema.InitializeRequest init;
        try {
            init = json.convertValue(call.params(), new TypeRef<McpSchema.InitializeRequest>() {
            });
        } catch (IllegalArgumentException e) {
            error(response, callback, 400, McpSchema.ErrorCodes.INVALID_PARAMS, "invalid initialize: "
                    + e.getMessage());
            return;
        }
        McpStreamableServerSession.McpStreamableServerSessionInit started = sessionFactory.startSession(init);
        String id = started.session().getId();
        sessions.put(id, new Session(started.session(), agent.id()));
        started.initResult().subscribe(result -> {
            try {
                byte[] body = json.writeValueAsBytes(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION,
                        call.id(), result, null));
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put(HttpHeaders.MCP_SESSION_ID, id);
                response.write(true, ByteBuffer.wrap(body), callback);
            } catch (IOException e) {
                callback.failed(e);
            }
        }, failure -> {
            sessions.remove(id);
            error(response, callback, 500, McpSchema.ErrorCodes.INTERNAL_ERROR, "initialize failed: "
                    + failure.getMessage());
        });
    }

    private void delete(Agent agent, Request request, Response response, Callback callback) {
        String sessionId = request.getHeaders().get(HttpHeaders.MCP_SESSION_ID);
        Session session = sessionId == null ? null : sessions.get(sessionId);
        if (session == null || !session.agent().equals(agent.id())) {
            error(response, callback, 404, McpSchema.ErrorCodes.INVALID_REQUEST, "no session " + sessionId);
            return;
        }
        sessions.remove(sessionId);
        session.session().delete().subscribe(null, failure -> LOG.debug("closing session {}", sessionId, failure));
        Exchanges.closeUnlessBodyConsumed(response);
        response.setStatus(200);
        response.write(true, ByteBuffer.allocate(0), callback);
    }

    /** The humans named in the header, or, without it, every human the agent is registered to act for. */
    static List<String> onBehalfOf(Agent agent, String header) {
        if (header == null || header.isBlank()) {
            return agent.actsFor();
        }
        return Arrays.stream(header.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** A JSON-RPC error without an id (RFC-style transport errors have no request to answer). */
    private void error(Response response, Callback callback, int status, Integer code, String message) {
        Exchanges.closeUnlessBodyConsumed(response);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        byte[] body;
        try {
            body = json.writeValueAsBytes(Map.of("jsonrpc", McpSchema.JSONRPC_VERSION, "error", Map.of("code",
                    code == null ? McpSchema.ErrorCodes.INVALID_REQUEST : code, "message", message)));
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
