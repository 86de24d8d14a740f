package io.countersign.channel.slack.standin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local Slack for tests: the Web API methods Countersign calls ({@code POST /api/chat.postMessage},
 * {@code /api/chat.update}) answered as Slack answers them, the {@code response_url} endpoints Slack hosts, and
 * interactivity callbacks sent and signed exactly as Slack sends and signs them. Test code only, never shipped.
 * <pre>{@code
 * try (SlackStandIn slack = SlackStandIn.start("xoxb-test")) {
 *     // configure the channel with apiBaseUrl = slack.apiUrl(), responseUrlPrefix = slack.responseUrlPrefix(),
 *     // teamIds = SlackStandIn.TEAM_ID, appIds = SlackStandIn.APP_ID
 *     PostedMessage message = slack.awaitMessage(m -> m.requestedChannel().equals("U0ALICE"), Duration.ofSeconds(5));
 *     Click click = slack.click(baseUrl + "/hooks/slack/interactions", signingSecret, message, "U0ALICE", "approve");
 *     JsonNode outcome = slack.awaitResponseUrlPost(p -> true, Duration.ofSeconds(5));
 * }
 * }</pre>
 * Slack's rules followed here: Web API calls authenticate with {@code Authorization: Bearer <token>} (or a
 * {@code token} argument) and answer HTTP 200 with {@code ok:false,error} for a bad token or argument; a direct
 * message posted to a user id lands in a {@code D…} channel; interactivity callbacks are
 * {@code application/x-www-form-urlencoded} with one {@code payload} field, signed with
 * {@code v0=hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + body))}.
 */
public final class SlackStandIn implements AutoCloseable {

    public static final String TEAM_ID = "T0STANDIN";
    public static final String TEAM_DOMAIN = "countersign-standin";
    public static final String APP_ID = "A0STANDIN";
    public static final String BOT_USER_ID = "U0STANDBOT";
    public static final String BOT_ID = "B0STANDIN";

    /** Slack allows five posts to a response_url. */
    private static final int RESPONSE_URL_USES = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Failure(int status, Integer retryAfterSeconds, String error) {
    }

    private final String botToken;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Object lock = new Object();
    private final List<ApiCall> calls = new ArrayList<>();
    private final List<PostedMessage> messages = new ArrayList<>();
    private final Map<String, PostedMessage> current = new LinkedHashMap<>();
    private final List<JsonNode> responseUrlPosts = new ArrayList<>();
    private final Map<String, Integer> responseUrlUses = new ConcurrentHashMap<>();
    private final ArrayDeque<Failure> failures = new ArrayDeque<>();
    private final AtomicLong lastMicros = new AtomicLong();

    private SlackStandIn(String botToken) throws IOException {
        this.botToken = Objects.requireNonNull(botToken, "botToken");
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "slack-standin");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/api/", this::api);
        server.createContext("/actions/", this::responseUrl);
        server.start();
    }

    /** Starts a stand-in on a free loopback port that accepts only {@code botToken}. */
    public static SlackStandIn start(String botToken) {
        try {
            return new SlackStandIn(botToken);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Web API base URL, e.g. {@code http://127.0.0.1:41234/api/}; method names are appended. */
    public String apiUrl() {
        return base() + "/api/";
    }

    /** Every response_url this stand-in hands out starts with this. */
    public String responseUrlPrefix() {
        return base() + "/actions/";
    }

    /** Every Web API call so far, failed ones included, in arrival order. */
    public List<ApiCall> calls() {
        synchronized (lock) {
            return List.copyOf(calls);
        }
    }

    /** Every message accepted so far ({@code chat.postMessage} and {@code chat.update}), in order. */
    public List<PostedMessage> messages() {
        synchronized (lock) {
            return List.copyOf(messages);
        }
    }

    /** Waits for an accepted message matching {@code condition}, the first one if several do. */
    public PostedMessage awaitMessage(Predicate<PostedMessage> condition, Duration timeout) {
        return await(() -> messages.stream().filter(condition).findFirst().orElse(null), timeout,
                "a Slack message as expected");
    }

    /**
     * The next {@code count} Web API calls get HTTP {@code status} (429, or a 5xx) instead of being handled, with a
     * {@code Retry-After} header when {@code retryAfterSeconds} is not {@code null}.
     */
    public void failNext(int count, int status, Integer retryAfterSeconds) {
        synchronized (lock) {
            for (int i = 0; i < count; i++) {
                failures.add(new Failure(status, retryAfterSeconds, status == 429 ? "ratelimited"
                        : "service_unavailable"));
            }
        }
    }

    /** The next {@code count} Web API calls are answered HTTP 200 {@code {"ok":false,"error":error}}. */
    public void errorNext(int count, String error) {
        synchronized (lock) {
            for (int i = 0; i < count; i++) {
                failures.add(new Failure(200, null, error));
            }
        }
    }

    /**
     * Clicks a button of {@code message} as Slack user {@code userId}: builds the {@code block_actions} payload Slack
     * would send, signs it with {@code signingSecret} and posts it to {@code interactionsUrl}.
     *
     * @throws IllegalArgumentException if the message has no button with that {@code action_id}
     */
    public Click click(String interactionsUrl, String signingSecret, PostedMessage message, String userId,
                       String actionId) {
        return click(interactionsUrl, signingSecret, message, userId, actionId, ClickOptions.defaults());
    }

    public Click click(String interactionsUrl, String signingSecret, PostedMessage message, String userId,
                       String actionId, ClickOptions options) {
        JsonNode button = message.button(actionId).orElseThrow(() -> new IllegalArgumentException(
                "the message has no button " + actionId + ": " + message.blocks()));
        return send(interactionsUrl, signingSecret, blockActions(message, userId, button, options), options);
    }

    /** The block_actions payload Slack would send for a click, without sending it (to alter it first). */
    public ObjectNode clickPayload(PostedMessage message, String userId, String actionId) {
        JsonNode button = message.button(actionId).orElseThrow(() -> new IllegalArgumentException(
                "the message has no button " + actionId + ": " + message.blocks()));
        return blockActions(message, userId, button, ClickOptions.defaults());
    }

    /** Sends {@code payload} as an interactivity callback, signed unless {@code options} say otherwise. */
    public Click send(String interactionsUrl, String signingSecret, JsonNode payload, ClickOptions options) {
        byte[] body = ("payload=" + URLEncoder.encode(payload.toString(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII);
        return post(interactionsUrl, signingSecret, body, "application/x-www-form-urlencoded", payload, options);
    }

    /** Sends any body, signed unless {@code options} say otherwise; for callbacks that are not well-formed. */
    public Click post(String url, String signingSecret, byte[] body, String contentType, ClickOptions options) {
        return post(url, signingSecret, body, contentType, null, options);
    }

    /** Sends {@code earlier}'s exact bytes and headers again. */
    public Click replay(Click earlier) {
        return deliver(earlier.url(), earlier.sentBody(), "application/x-www-form-urlencoded", earlier.timestamp(),
                earlier.signature(), earlier.payload());
    }

    /** Every JSON body posted to a response_url, in order. */
    public List<JsonNode> responseUrlPosts() {
        synchronized (lock) {
            return responseUrlPosts.stream().map(SlackStandIn::copy).toList();
        }
    }

    public JsonNode awaitResponseUrlPost(Predicate<JsonNode> condition, Duration timeout) {
        return await(() -> responseUrlPosts.stream().filter(condition).findFirst().map(SlackStandIn::copy)
                .orElse(null), timeout, "a response_url post as expected");
    }

    /** Signs as Slack does: {@code v0=} and the hex HMAC-SHA256 of {@code v0:<timestamp>:<body>}. */
    public static String sign(String signingSecret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private Click post(String url, String signingSecret, byte[] body, String contentType, JsonNode payload,
                       ClickOptions options) {
        String timestamp = String.valueOf(options.timestamp() != null ? options.timestamp()
                : Instant.now().getEpochSecond());
        String signature = options.signature() != null ? options.signature() : sign(signingSecret, timestamp, body);
        return options.withoutSignature() ? deliver(url, body, contentType, null, null, payload)
                : deliver(url, body, contentType, timestamp, signature, payload);
    }

    private Click deliver(String url, byte[] body, String contentType, String timestamp, String signature,
                          JsonNode payload) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .header("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (timestamp != null) {
            request.header("X-Slack-Request-Timestamp", timestamp);
        }
        if (signature != null) {
            request.header("X-Slack-Signature", signature);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Click(url, body, timestamp, signature, payload, response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode blockActions(PostedMessage message, String userId, JsonNode button, ClickOptions options) {
        String teamId = options.teamId() != null ? options.teamId() : TEAM_ID;
        ObjectNode payload = JSON.createObjectNode();
        payload.put("type", "block_actions");
        payload.putObject("user").put("id", userId).put("username", "user-" + userId.toLowerCase(Locale.ROOT))
                .put("name", "user-" + userId.toLowerCase(Locale.ROOT)).put("team_id", teamId);
        payload.put("api_app_id", options.apiAppId() != null ? options.apiAppId() : APP_ID);
        payload.put("token", "deprecated-verification-token");
        payload.putObject("container").put("type", "message").put("message_ts", message.ts())
                .put("channel_id", message.channel()).put("is_ephemeral", false);
        payload.put("trigger_id", nextTs() + "." + HexFormat.of().formatHex(randomBytes(16)));
        payload.putObject("team").put("id", teamId).put("domain", TEAM_DOMAIN);
        payload.putNull("enterprise");
        payload.put("is_enterprise_install", false);
        payload.putObject("channel").put("id", message.channel())
                .put("name", message.channel().startsWith("D") ? "directmessage" : "approvals");
        payload.set("message", slackMessage(message.text(), message.ts(), message.blocks()));
        payload.putObject("state").putObject("values");
        payload.put("response_url", issueResponseUrl(teamId));
        ObjectNode action = payload.putArray("actions").addObject();
        action.put("action_id", button.path("action_id").asText());
        action.put("block_id", blockIdOf(message, button));
        action.set("text", button.path("text").deepCopy());
        if (button.has("value")) {
            action.put("value", button.path("value").asText());
        }
        if (button.has("style")) {
            action.put("style", button.path("style").asText());
        }
        action.put("type", "button");
        action.put("action_ts", nextTs());
        return payload;
    }

    private static String blockIdOf(PostedMessage message, JsonNode button) {
        for (JsonNode block : message.blocks()) {
            for (JsonNode element : block.path("elements")) {
                if (element.equals(button)) {
                    return block.path("block_id").asText(HexFormat.of().formatHex(randomBytes(3)));
                }
            }
        }
        return HexFormat.of().formatHex(randomBytes(3));
    }

    private String issueResponseUrl(String teamId) {
        String url = responseUrlPrefix() + teamId + "/" + System.nanoTime() + "/"
                + HexFormat.of().formatHex(randomBytes(12));
        responseUrlUses.put(url, 0);
        return url;
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            long at = System.nanoTime();
            String method = exchange.getRequestURI().getPath().substring("/api/".length());
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> arguments = arguments(contentType, body);
            Map<String, JsonNode> values = values(contentType, body);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ")
                    ? authorization.substring(7) : arguments.get("token");
            boolean authorized = botToken.equals(token);
            Failure failure;
            synchronized (lock) {
                failure = failures.poll();
            }
            if (failure != null) {
                if (failure.retryAfterSeconds() != null) {
                    exchange.getResponseHeaders().add("Retry-After", String.valueOf(failure.retryAfterSeconds()));
                }
                answer(exchange, at, method, contentType, arguments, authorized, failure.status(), failure.error(),
                        error(failure.error()));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, at, method, contentType, arguments, authorized, 405, "method_not_allowed",
                        error("method_not_allowed"));
                return;
            }
            if (token == null || token.isEmpty()) {
                answer(exchange, at, method, contentType, arguments, false, 200, "not_authed", error("not_authed"));
                return;
            }
            if (!authorized) {
                answer(exchange, at, method, contentType, arguments, false, 200, "invalid_auth",
                        error("invalid_auth"));
                return;
            }
            ObjectNode result = switch (method) {
                case "chat.postMessage" -> postMessage(arguments, values, at);
                case "chat.update" -> update(arguments, values, at);
                default -> error("unknown_method");
            };
            String error = result.path("ok").asBoolean() ? null : result.path("error").asText();
            answer(exchange, at, method, contentType, arguments, true, 200, error, result);
        }
    }

    private ObjectNode postMessage(Map<String, String> arguments, Map<String, JsonNode> values, long at) {
        String requested = arguments.get("channel");
        if (requested == null || requested.isEmpty()) {
            return error("channel_not_found");
        }
        JsonNode blocks = blocks(values);
        if (blocks == null) {
            return error("invalid_blocks");
        }
        String text = arguments.get("text");
        if ((text == null || text.isEmpty()) && blocks.isEmpty()) {
            return error("no_text");
        }
        String channel = requested.matches("[UW][A-Z0-9]+") ? "D" + requested.substring(1) : requested;
        String ts = nextTs();
        PostedMessage message = new PostedMessage("chat.postMessage", requested, channel, ts, text, blocks, at);
        synchronized (lock) {
            messages.add(message);
            current.put(channel + "/" + ts, message);
            lock.notifyAll();
        }
        ObjectNode answer = JSON.createObjectNode().put("ok", true).put("channel", channel).put("ts", ts);
        answer.set("message", slackMessage(text, ts, blocks));
        return answer;
    }

    private ObjectNode update(Map<String, String> arguments, Map<String, JsonNode> values, long at) {
        String channel = arguments.get("channel");
        String ts = arguments.get("ts");
        JsonNode blocks = blocks(values);
        if (blocks == null) {
            return error("invalid_blocks");
        }
        String text = arguments.get("text");
        synchronized (lock) {
            if (channel == null || current.keySet().stream().noneMatch(key -> key.startsWith(channel + "/"))) {
                return error("channel_not_found");
            }
            if (ts == null || !current.containsKey(channel + "/" + ts)) {
                return error("message_not_found");
            }
            PostedMessage message = new PostedMessage("chat.update", channel, channel, ts, text, blocks, at);
            messages.add(message);
            current.put(channel + "/" + ts, message);
            lock.notifyAll();
        }
        ObjectNode answer = JSON.createObjectNode().put("ok", true).put("channel", channel).put("ts", ts)
                .put("text", text);
        answer.set("message", slackMessage(text, ts, blocks));
        return answer;
    }

    private void responseUrl(HttpExchange exchange) throws IOException {
        try (exchange) {
            String url = base() + exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Integer uses = responseUrlUses.computeIfPresent(url, (key, used) -> used + 1);
            if (uses == null || uses > RESPONSE_URL_USES || !exchange.getRequestMethod().equals("POST")) {
                write(exchange, 404, "text/plain", (uses == null ? "no_active_hooks" : "used_url")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            JsonNode posted;
            try {
                posted = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                write(exchange, 400, "text/plain", "invalid_payload".getBytes(StandardCharsets.UTF_8));
                return;
            }
            synchronized (lock) {
                responseUrlPosts.add(posted);
                lock.notifyAll();
            }
            write(exchange, 200, "application/json", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private void answer(HttpExchange exchange, long at, String method, String contentType,
                        Map<String, String> arguments, boolean authorized, int status, String error, ObjectNode body)
            throws IOException {
        synchronized (lock) {
            calls.add(new ApiCall(method, contentType, arguments, authorized, status, error, at));
            lock.notifyAll();
        }
        write(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    private static void write(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private ObjectNode slackMessage(String text, String ts, JsonNode blocks) {
        ObjectNode message = JSON.createObjectNode();
        message.put("type", "message").put("subtype", "bot_message").put("text", text == null ? "" : text)
                .put("ts", ts).put("user", BOT_USER_ID).put("bot_id", BOT_ID).put("app_id", APP_ID)
                .put("team", TEAM_ID);
        message.set("blocks", blocks == null ? JSON.createArrayNode() : blocks.deepCopy());
        return message;
    }

    /** The {@code blocks} argument: a JSON string in a form, an array in a JSON body; {@code null} if invalid. */
    private static JsonNode blocks(Map<String, JsonNode> values) {
        JsonNode blocks = values.get("blocks");
        if (blocks == null || blocks.isNull()) {
            return JSON.createArrayNode();
        }
        if (blocks.isTextual()) {
            try {
                blocks = JSON.readTree(blocks.asText());
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        return blocks != null && blocks.isArray() ? blocks : null;
    }

    private static Map<String, JsonNode> values(String contentType, byte[] body) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (isJson(contentType)) {
            try {
                JSON.readTree(body).fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue()));
            } catch (IOException | RuntimeException e) {
                return values;
            }
        } else {
            form(body).forEach((name, value) -> values.put(name, JSON.getNodeFactory().textNode(value)));
        }
        return values;
    }

    private static Map<String, String> arguments(String contentType, byte[] body) {
        Map<String, String> arguments = new LinkedHashMap<>();
        values(contentType, body).forEach((name, value) -> arguments.put(name,
                value.isTextual() ? value.asText() : value.toString()));
        return arguments;
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> fields = new LinkedHashMap<>();
        String text = new String(body, StandardCharsets.US_ASCII);
        if (text.isEmpty()) {
            return fields;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            fields.put(name, value);
        }
        return fields;
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    private static ObjectNode error(String error) {
        return JSON.createObjectNode().put("ok", false).put("error", error);
    }

    /** A Slack timestamp, {@code seconds.micros}, unique and increasing within this stand-in. */
    private String nextTs() {
        long now = Instant.now().toEpochMilli() * 1000;
        long micros = lastMicros.accumulateAndGet(now, (last, candidate) -> Math.max(last + 1, candidate));
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    private <T> T await(java.util.function.Supplier<T> probe, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                T found = probe.get();
                if (found != null) {
                    return found;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError("no " + what + " within " + timeout + "; messages: " + messages
                            + "; response_url posts: " + responseUrlPosts);
                }
                try {
                    lock.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + what, e);
                }
            }
        }
    }

    private String base() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static JsonNode copy(JsonNode node) {
        return node.deepCopy();
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return "SlackStandIn[" + base() + "]";
    }
}
