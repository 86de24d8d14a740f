package io.countersign.siem.standin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Splunk HTTP Event Collector stand-in that enforces HEC's contract, for tests only: {@code Authorization: Splunk
 * <token>} (401 code 2 without, 403 code 4 when wrong); a body of concatenated envelopes each with an {@code event}
 * (400 code 12 without, code 6 when not JSON); with indexer acknowledgment on, the {@code X-Splunk-Request-Channel}
 * header or {@code channel} query (400 code 10 without), an {@code ackId} per request counted per channel, and
 * {@code /services/collector/ack} answering {@code true} only once the batch is "indexed" ({@link #indexAfter}
 * polls later); {@link #unavailable} answers 503 code 9 with {@code Retry-After}; {@link #loseUnindexed} drops what is
 * not yet indexed, like an indexer that crashed, so its ack never comes. Only indexed events are in {@link #events}.
 */
public final class HecStandIn implements AutoCloseable {

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String token;
    private final boolean ack;
    private final HttpServer server;
    private final List<JsonNode> indexed = new ArrayList<>();
    private final Map<String, Channel> channels = new HashMap<>();
    private final AtomicInteger eventRequests = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean unavailable;
    private volatile int indexAfter = 1;

    private static final class Channel {
        long nextAck;
        final Map<Long, List<JsonNode>> pending = new HashMap<>();
        final Map<Long, Integer> polls = new HashMap<>();
        final Map<Long, Boolean> done = new HashMap<>();
    }

    private HecStandIn(String token, boolean ack) throws IOException {
        this.token = token;
        this.ack = ack;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/services/collector/event", this::event);
        server.createContext("/services/collector/ack", this::ack);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** A stand-in on a free port of 127.0.0.1 that accepts {@code token}, with or without indexer ack. */
    public static HecStandIn start(String token, boolean ack) throws IOException {
        return new HecStandIn(token, ack);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** While true, every request is answered 503 (code 9, server busy) with {@code Retry-After: 1}. */
    public void unavailable(boolean value) {
        unavailable = value;
    }

    /** A batch is indexed (its ack true) at the {@code polls}-th ack query naming it. */
    public void indexAfter(int polls) {
        indexAfter = polls;
    }

    /** Drops every batch not yet indexed: its ack never becomes true. */
    public synchronized int loseUnindexed() {
        int lost = 0;
        for (Channel channel : channels.values()) {
            for (List<JsonNode> batch : channel.pending.values()) {
                lost += batch.size();
            }
            channel.pending.clear();
        }
        return lost;
    }

    /** The indexed envelopes, in the order they were indexed. */
    public synchronized List<JsonNode> events() {
        return List.copyOf(indexed);
    }

    public int eventRequests() {
        return eventRequests.get();
    }

    /** Requests refused for breaking the contract (token, channel, body). */
    public int refused() {
        return refused.get();
    }

    private void event(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!checked(exchange)) {
                return;
            }
            eventRequests.incrementAndGet();
            List<JsonNode> envelopes = new ArrayList<>();
            try (JsonParser parser = MAPPER.createParser(body)) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    JsonNode envelope = MAPPER.readTree(parser);
                    if (!envelope.has("event") || envelope.get("event").isNull()) {
                        refuse(exchange, 400, 12, "Event field is required");
                        return;
                    }
                    envelopes.add(envelope);
                }
                if (parser.currentToken() != null) {
                    refuse(exchange, 400, 6, "Invalid data format");
                    return;
                }
            } catch (IOException e) {
                refuse(exchange, 400, 6, "Invalid data format");
                return;
            }
            if (envelopes.isEmpty()) {
                refuse(exchange, 400, 5, "No data");
                return;
            }
            ObjectNode answer = MAPPER.createObjectNode().put("text", "Success").put("code", 0);
            synchronized (this) {
                if (ack) {
                    Channel channel = channels.computeIfAbsent(channel(exchange), c -> new Channel());
                    long id = channel.nextAck++;
                    channel.pending.put(id, envelopes);
                    channel.polls.put(id, 0);
                    answer.put("ackId", id);
                } else {
                    indexed.addAll(envelopes);
                }
            }
            send(exchange, 200, answer);
        }
    }

    private void ack(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!checked(exchange)) {
                return;
            }
            if (!ack) {
                refuse(exchange, 400, 14, "ACK is disabled");
                return;
            }
            JsonNode query;
            try {
                query = MAPPER.readTree(body);
            } catch (IOException e) {
                refuse(exchange, 400, 6, "Invalid data format");
                return;
            }
            if (query == null || !query.path("acks").isArray()) {
                refuse(exchange, 400, 6, "Invalid data format");
                return;
            }
            ObjectNode acks = MAPPER.createObjectNode();
            synchronized (this) {
                Channel channel = channels.computeIfAbsent(channel(exchange), c -> new Channel());
                for (JsonNode idNode : query.get("acks")) {
                    long id = idNode.asLong();
                    boolean done = channel.done.getOrDefault(id, false);
                    if (!done && channel.pending.containsKey(id)) {
                        int polls = channel.polls.merge(id, 1, Integer::sum);
                        if (polls >= indexAfter) {
                            indexed.addAll(channel.pending.remove(id));
                            channel.done.put(id, true);
                            done = true;
                        }
                    }
                    acks.put(Long.toString(id), done);
                }
            }
            send(exchange, 200, MAPPER.createObjectNode().set("acks", acks));
        }
    }

    /** Token, availability and (with ack) channel; answers the refusal itself and returns false. */
    private boolean checked(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            refuse(exchange, 405, 8, "Method not allowed");
            return false;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Splunk ")) {
            refuse(exchange, 401, 2, "Token is required");
            return false;
        }
        if (!authorization.substring(7).equals(token)) {
            refuse(exchange, 403, 4, "Invalid token");
            return false;
        }
        if (unavailable) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            send(exchange, 503, MAPPER.createObjectNode().put("text", "Server is busy").put("code", 9));
            return false;
        }
        if (ack && channel(exchange) == null) {
            refuse(exchange, 400, 10, "Data channel is missing");
            return false;
        }
        return true;
    }

    private static String channel(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("X-Splunk-Request-Channel");
        if (header != null && !header.isBlank()) {
            return header;
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("channel=") && pair.length() > 8) {
                    return pair.substring(8);
                }
            }
        }
        return null;
    }

    private void refuse(HttpExchange exchange, int status, int code, String text) throws IOException {
        refused.incrementAndGet();
        send(exchange, status, MAPPER.createObjectNode().put("text", text).put("code", code));
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
