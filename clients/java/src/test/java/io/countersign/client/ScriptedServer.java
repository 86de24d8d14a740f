package io.countersign.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A local HTTP server that plays one protocol situation at a time: the longest path prefix that matches answers with
 * its next scripted step, and every request that arrived is kept. Only for the edges the real server cannot be made
 * to show on demand (a 503 with a given Retry-After, a connection dropped mid-answer, a slow answer).
 */
public final class ScriptedServer implements AutoCloseable {

    /** One scripted answer. */
    public interface Step {
        void answer(HttpExchange exchange) throws IOException;
    }

    public record Seen(String method, String path, String query, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final int port;
    private final Map<String, BlockingQueue<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Step> otherwise = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;

    private ScriptedServer(int port) {
        this.port = port;
    }

    public static ScriptedServer started() throws IOException {
        ScriptedServer server = notStarted();
        server.start();
        return server;
    }

    /** A server on a port nobody listens on yet: connections are refused until {@link #start()}. */
    public static ScriptedServer notStarted() throws IOException {
        return new ScriptedServer(freePort()).otherwise("/v1/health/ready", json(200, "{\"ready\":true}"));
    }

    public void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Closes the listening socket and every connection: a restart of the server, from the client's side. */
    public void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public ScriptedServer then(String pathPrefix, Step... steps) {
        scripts.computeIfAbsent(pathPrefix, p -> new LinkedBlockingQueue<>()).addAll(List.of(steps));
        return this;
    }

    /** What {@code pathPrefix} answers once its script is played out. */
    public ScriptedServer otherwise(String pathPrefix, Step step) {
        otherwise.put(pathPrefix, step);
        return this;
    }

    public List<Seen> seen(String pathPrefix) {
        return seen.stream().filter(s -> s.path().startsWith(pathPrefix)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(new Seen(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                Map.copyOf(exchange.getRequestHeaders()), body));
        String prefix = java.util.stream.Stream.concat(scripts.keySet().stream(), otherwise.keySet().stream())
                .filter(path::startsWith).max(java.util.Comparator.comparingInt(String::length)).orElse(null);
        Step step = prefix == null ? null : scripts.getOrDefault(prefix, new LinkedBlockingQueue<>()).poll();
        if (step == null && prefix != null) {
            step = otherwise.get(prefix);
        }
        if (step == null) {
            step = problem(404, "not-found", "nothing is served at " + path);
        }
        try {
            step.answer(exchange);
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public static Step json(int status, String body) {
        return answer(status, "application/json", body, Map.of());
    }

    public static Step problem(int status, String reason, String detail) {
        return problem(status, reason, detail, Map.of());
    }

    public static Step problem(int status, String reason, String detail, Map<String, String> headers) {
        ObjectNode problem = JsonNodeFactory.instance.objectNode().put("type", "urn:countersign:problem:" + reason)
                .put("title", "a problem").put("status", status).put("detail", detail).put("reason", reason);
        return answer(status, "application/problem+json", problem.toString(), headers);
    }

    public static Step answer(int status, String contentType, String body, Map<String, String> headers) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            headers.forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** Reads the request and closes the connection without a word: it may have been acted on. */
    public static Step dropConnection() {
        return exchange -> { };
    }

    /** Answers after {@code millis}. */
    public static Step slow(long millis, Step then) {
        return exchange -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            then.answer(exchange);
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
