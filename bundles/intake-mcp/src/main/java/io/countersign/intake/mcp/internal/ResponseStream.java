package io.countersign.intake.mcp.internal;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import reactor.core.publisher.Mono;

/**
 * The answer to one JSON-RPC request on the Streamable HTTP transport: an SSE stream carrying the request's
 * notifications (progress) and then its response, or, for a client that does not accept {@code text/event-stream},
 * the response alone as {@code application/json}. Writes are queued one after the other (Jetty allows one pending
 * write); the HTTP exchange completes when the session closes the stream after the response.
 */
final class ResponseStream implements McpStreamableServerTransport {

    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Response response;
    private final Callback callback;
    private final McpJsonMapper json;
    private final boolean sse;
    private final Consumer<ResponseStream> onClose;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private volatile Runnable whenBroken = () -> {
    };
    private boolean closed;
    private byte[] jsonAnswer;

    ResponseStream(Response response, Callback callback, McpJsonMapper json, boolean sse,
                   Consumer<ResponseStream> onClose) {
        this.response = response;
        this.callback = callback;
        this.json = json;
        this.sse = sse;
        this.onClose = onClose;
        if (sse) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.defer(() -> {
            String text;
            try {
                text = json.writeValueAsString(message);
            } catch (IOException e) {
                return Mono.error(e);
            }
            synchronized (this) {
                if (closed) {
                    return Mono.empty();
                }
                if (!sse) {
                    // without SSE only the response itself can be sent; notifications are dropped
                    if (message instanceof McpSchema.JSONRPCResponse) {
                        jsonAnswer = text.getBytes(StandardCharsets.UTF_8);
                    }
                    return Mono.empty();
                }
                StringBuilder event = new StringBuilder(text.length() + 32);
                if (messageId != null) {
                    event.append("id: ").append(messageId).append('\n');
                }
                event.append("event: message\ndata: ").append(text).append("\n\n");
                return Mono.fromFuture(enqueue(false, event.toString().getBytes(StandardCharsets.UTF_8)));
            }
        });
    }

    /** An SSE comment, so that a long wait without notifications does not reach the connection's idle timeout. */
    synchronized void keepAlive() {
        if (sse && !closed) {
            enqueue(false, KEEP_ALIVE);
        }
    }

    /**
     * What to do when the stream ends before its answer (a write failed: the client went away; or the session was
     * deleted): nobody will read the answer. Also run after a normal end, when it has nothing left to stop.
     */
    void whenBroken(Runnable action) {
        this.whenBroken = action;
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        CompletableFuture<Void> last;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (!sse) {
                if (jsonAnswer == null) {
                    response.setStatus(202);
                    last = enqueue(true, new byte[0]);
                } else {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    last = enqueue(true, jsonAnswer);
                }
            } else {
                last = enqueue(true, new byte[0]);
            }
        }
        whenBroken.run();
        last.whenComplete((ignored, failure) -> {
            onClose.accept(this);
            if (failure == null) {
                callback.succeeded();
            } else {
                callback.failed(failure);
            }
        });
    }

    private CompletableFuture<Void> enqueue(boolean last, byte[] bytes) {
        tail = tail.thenCompose(ignored -> {
            CompletableFuture<Void> written = new CompletableFuture<>();
            response.write(last, ByteBuffer.wrap(bytes), Callback.from(() -> written.complete(null), failure -> {
                written.completeExceptionally(failure);
                whenBroken.run();
            }));
            return written;
        });
        return tail;
    }
}
