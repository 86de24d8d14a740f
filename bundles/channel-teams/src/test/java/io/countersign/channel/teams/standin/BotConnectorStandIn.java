package io.countersign.channel.teams.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A local Bot Framework for tests: the login service (client-credentials tokens), the OpenID metadata and JWKS of
 * the Bot Connector (its own RSA keys, endorsed for {@code msteams}), and the Bot Connector REST API (create a
 * conversation, send an activity, update an activity), which records what the bot sent. It also plays Teams: it
 * posts {@code adaptiveCard/action} invokes to the bot's messaging endpoint, signed the way the Bot Connector signs
 * them (RS256, {@code kid}, {@code iss https://api.botframework.com}, {@code aud} the app id, {@code serviceurl},
 * {@code nbf}/{@code exp}/{@code iat}), or deliberately wrong ({@link InvokeOptions}).
 * <p>
 * Point the bot at {@link #tokenUrl()}, {@link #openIdMetadataUrl()} and {@link #serviceUrl()}:
 * <pre>{@code
 * try (BotConnectorStandIn teams = BotConnectorStandIn.start(appId, secret, tenantId)) {
 *     // ... the bot sends a card to aadObjectId ...
 *     SentActivity card = teams.awaitActivity(a -> a.aadObjectId().equals(aadObjectId), Duration.ofSeconds(5));
 *     Invoke click = teams.invoke(messagesUrl, aadObjectId, "approve", card, InvokeOptions.valid());
 * }
 * }</pre>
 */
public final class BotConnectorStandIn implements AutoCloseable {

    public static final String ISSUER = "https://api.botframework.com";
    public static final String CHANNEL_ID = "msteams";
    public static final String SCOPE = "https://api.botframework.com/.default";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE_PATH = "/teams/";
    private static final String METADATA_PATH = "/v1/.well-known/openidconfiguration";
    private static final String KEYS_PATH = "/v1/.well-known/keys";
    private static final String TOKEN_PATH = "/botframework.com/oauth2/v2.0/token";

    /** One call the bot made to the Connector endpoints, with the status the stand-in answered. */
    public record ConnectorCall(String method, String path, int status, Instant at) {
    }

    private record Failure(int status, Integer retryAfterSeconds) {
    }

    private record Key(String kid, KeyPair pair, List<String> endorsements) {
    }

    /** RSA key generation takes a while: the stand-ins of one JVM share their initial key pairs. */
    private static final class KeyPool {
        static final KeyPair[] PAIRS = {rsa(), rsa(), rsa()};
    }

    private final String appId;
    private final String clientSecret;
    private final String tenantId;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final String base;
    private final List<Key> publishedKeys = new CopyOnWriteArrayList<>();
    private volatile Key published;
    private final Key publishedNotEndorsed;
    private final Key unpublished;
    private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger keyFetches = new AtomicInteger();
    private final AtomicLong nextActivity = new AtomicLong(1_700_000_000_000L);
    private final Map<String, String> conversations = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> activityIds = new ConcurrentHashMap<>();
    private final List<SentActivity> activities = new CopyOnWriteArrayList<>();
    private final List<ConnectorCall> calls = new CopyOnWriteArrayList<>();
    private final Deque<Failure> failures = new ArrayDeque<>();
    private volatile Duration tokenLifetime = Duration.ofSeconds(3599);

    private BotConnectorStandIn(String appId, String clientSecret, String tenantId) throws IOException {
        this.appId = appId;
        this.clientSecret = clientSecret;
        this.tenantId = tenantId;
        KeyPair[] pairs = KeyPool.PAIRS;
        this.published = new Key("standin-" + UUID.randomUUID(), pairs[0], List.of(CHANNEL_ID, "skype", "webchat"));
        this.publishedNotEndorsed = new Key("standin-" + UUID.randomUUID(), pairs[1], List.of("webchat"));
        this.unpublished = new Key("standin-" + UUID.randomUUID(), pairs[2], List.of(CHANNEL_ID));
        publishedKeys.add(published);
        publishedKeys.add(publishedNotEndorsed);
        // without it every answer waits for a delayed ACK (about 40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "bot-connector-standin");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
        this.base = "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Starts a stand-in for the bot with this app id and client secret, in this Entra tenant. */
    public static BotConnectorStandIn start(String appId, String clientSecret, String tenantId) {
        try {
            return new BotConnectorStandIn(appId, clientSecret, tenantId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the bot reads the OpenID metadata (whose {@code jwks_uri} points back here). */
    public String openIdMetadataUrl() {
        return base + METADATA_PATH;
    }

    /** Where the bot gets its access token (client-credentials grant, scope {@value #SCOPE}). */
    public String tokenUrl() {
        return base + TOKEN_PATH;
    }

    /** The Bot Connector service URL, with a trailing slash as Teams gives it. */
    public String serviceUrl() {
        return base + SERVICE_PATH;
    }

    public String appId() {
        return appId;
    }

    public String tenantId() {
        return tenantId;
    }

    /** Every activity the bot sent or replaced, oldest first. */
    public List<SentActivity> activities() {
        return List.copyOf(activities);
    }

    /** Every call to the Connector endpoints (not the token or key endpoints), oldest first. */
    public List<ConnectorCall> calls() {
        return List.copyOf(calls);
    }

    /** How many access tokens the token endpoint has issued. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** How many times the JWKS was fetched. */
    public int keyFetches() {
        return keyFetches.get();
    }

    /** The first activity (already sent or arriving within {@code timeout}) that matches. */
    public SentActivity awaitActivity(Predicate<SentActivity> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (activities) {
            while (true) {
                for (SentActivity activity : activities) {
                    if (matching.test(activity)) {
                        return activity;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching activity within " + timeout + "; got " + activities);
                }
                try {
                    activities.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for an activity", e);
                }
            }
        }
    }

    /**
     * The next {@code count} calls to the Connector endpoints answer {@code status} (e.g. 429 or 503), with
     * {@code Retry-After: retryAfterSeconds} when that is not null, and change nothing.
     */
    public void failNext(int count, int status, Integer retryAfterSeconds) {
        synchronized (failures) {
            for (int i = 0; i < count; i++) {
                failures.add(new Failure(status, retryAfterSeconds));
            }
        }
    }

    /** Every access token issued so far is refused from now on (401), as after a credential rotation. */
    public void revokeAccessTokens() {
        accessTokens.clear();
    }

    /**
     * Publishes a new signing key (the old ones stay published) and signs valid invokes with it from now on, as the
     * Bot Framework does when it rolls its keys.
     */
    public void rotateSigningKey() {
        Key next = new Key("standin-" + UUID.randomUUID(), rsa(), List.of(CHANNEL_ID, "skype", "webchat"));
        publishedKeys.add(next);
        published = next;
    }

    /** The {@code expires_in} of tokens issued from now on. */
    public void tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    /**
     * Posts an {@code adaptiveCard/action} invoke to the bot as Teams would when the user with this Entra object id
     * clicks the {@code verb} action of {@code cardMessage} (or, for {@code refresh}, when the card is shown).
     *
     * @param cardMessage the message whose card was clicked; may be null when {@code options} give the data
     */
    public Invoke invoke(String messagesUrl, String aadObjectId, String verb, SentActivity cardMessage,
                         InvokeOptions options) {
        InvokeOptions how = options == null ? InvokeOptions.valid() : options;
        ObjectNode data = how.data() != null ? how.data().deepCopy() : cardMessage == null ? JSON.createObjectNode()
                : cardMessage.action(verb).map(a -> (ObjectNode) a.path("data").deepCopy())
                        .orElseThrow(() -> new IllegalArgumentException("the card has no " + verb + " action"));
        ObjectNode activity = invokeActivity(aadObjectId, verb, cardMessage, how, data);
        String token = how.noToken() ? null : token(how, activity.path("serviceUrl").asText());
        return post(messagesUrl, activity, token);
    }

    /** Posts an earlier invoke again, byte for byte and with the same token: a replay. */
    public Invoke replay(String messagesUrl, Invoke earlier) {
        return post(messagesUrl, earlier.activity(), earlier.token());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private ObjectNode invokeActivity(String aadObjectId, String verb, SentActivity cardMessage, InvokeOptions how,
                                      ObjectNode data) {
        String tenant = how.tenantId() != null ? how.tenantId() : tenantId;
        String conversationId = cardMessage != null ? cardMessage.conversationId() : conversationId(aadObjectId);
        ObjectNode activity = JSON.createObjectNode();
        activity.put("name", "adaptiveCard/action");
        activity.put("type", "invoke");
        activity.put("timestamp", Instant.now().toString());
        activity.put("localTimestamp", Instant.now().toString());
        activity.put("id", how.activityId() != null ? how.activityId() : "f:" + UUID.randomUUID());
        activity.put("channelId", CHANNEL_ID);
        activity.put("serviceUrl", serviceUrl());
        activity.putObject("from").put("id", "29:" + pseudonym(aadObjectId)).put("name", how.displayName())
                .put("aadObjectId", aadObjectId);
        activity.putObject("conversation").put("conversationType", "personal").put("tenantId", tenant)
                .put("id", conversationId);
        activity.putObject("recipient").put("id", "28:" + appId).put("name", "Countersign");
        activity.putArray("entities").addObject().put("locale", "en-US").put("country", "US")
                .put("platform", "Web").put("timezone", "Europe/Berlin").put("type", "clientInfo");
        ObjectNode channelData = activity.putObject("channelData");
        channelData.putObject("tenant").put("id", tenant);
        channelData.putObject("source").put("name", "message");
        if (cardMessage != null) {
            activity.put("replyToId", cardMessage.activityId());
            channelData.putObject("legacy").put("replyToId", cardMessage.activityId());
        }
        ObjectNode value = activity.putObject("value");
        ObjectNode action = value.putObject("action").put("type", "Action.Execute").put("verb", verb);
        action.set("data", data);
        value.put("trigger", "refresh".equals(verb) ? "automatic" : "manual");
        activity.put("locale", "en-US");
        return activity;
    }

    private String token(InvokeOptions how, String activityServiceUrl) {
        long now = Instant.now().getEpochSecond();
        long exp = how.expiredAgo() != null ? now - how.expiredAgo().toSeconds() : now + 3600;
        long nbf = how.expiredAgo() != null ? exp - 3600 : now;
        ObjectNode claims = JSON.createObjectNode();
        claims.put("serviceurl", how.serviceUrlClaim() != null ? how.serviceUrlClaim() : activityServiceUrl);
        claims.put("nbf", nbf);
        claims.put("exp", exp);
        claims.put("iat", nbf);
        claims.put("iss", how.issuer() != null ? how.issuer() : ISSUER);
        claims.put("aud", how.audience() != null ? how.audience() : appId);
        Key key = switch (how.signingKey()) {
            case PUBLISHED -> published;
            case PUBLISHED_NOT_ENDORSED -> publishedNotEndorsed;
            case UNPUBLISHED -> unpublished;
        };
        ObjectNode header = JSON.createObjectNode();
        header.put("alg", how.unsignedAlgNone() ? "none" : "RS256");
        header.put("kid", key.kid());
        header.put("x5t", key.kid());
        header.put("typ", "JWT");
        String signingInput = segment(header) + "." + segment(claims);
        if (how.unsignedAlgNone()) {
            return signingInput + ".";
        }
        String signature = b64(sign(key, signingInput));
        if (how.tamperedAfterSigning()) {
            claims.put("exp", exp + 86_400);
            return segment(header) + "." + segment(claims) + "." + signature;
        }
        return signingInput + "." + signature;
    }

    private Invoke post(String messagesUrl, ObjectNode activity, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(messagesUrl))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(activity.toString()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Invoke(response.statusCode(), response.body(), activity.path("id").asText(), activity, token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.equals(METADATA_PATH) && method.equals("GET")) {
                respond(exchange, 200, metadata(), null);
            } else if (path.equals(KEYS_PATH) && method.equals("GET")) {
                keyFetches.incrementAndGet();
                respond(exchange, 200, jwks(), null);
            } else if (path.equals(TOKEN_PATH) && method.equals("POST")) {
                issueToken(exchange, new String(body, StandardCharsets.UTF_8));
            } else if (path.startsWith(SERVICE_PATH + "v3/conversations")) {
                connector(exchange, method, path.substring(SERVICE_PATH.length()), body);
            } else {
                respond(exchange, 404, error("NotFound", "nothing at " + path), null);
            }
        } catch (RuntimeException e) {
            respond(exchange, 500, error("ServiceError", String.valueOf(e)), null);
        } finally {
            exchange.close();
        }
    }

    private void issueToken(HttpExchange exchange, String form) throws IOException {
        Map<String, String> fields = new HashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!"client_credentials".equals(fields.get("grant_type"))) {
            respond(exchange, 400, JSON.createObjectNode().put("error", "unsupported_grant_type"), null);
        } else if (!appId.equals(fields.get("client_id")) || !clientSecret.equals(fields.get("client_secret"))) {
            respond(exchange, 401, JSON.createObjectNode().put("error", "invalid_client")
                    .put("error_description", "AADSTS7000215: Invalid client secret provided."), null);
        } else if (!SCOPE.equals(fields.get("scope"))) {
            respond(exchange, 400, JSON.createObjectNode().put("error", "invalid_scope"), null);
        } else {
            String token = "standin-access." + UUID.randomUUID();
            accessTokens.add(token);
            tokensIssued.incrementAndGet();
            long lifetime = tokenLifetime.toSeconds();
            respond(exchange, 200, JSON.createObjectNode().put("token_type", "Bearer").put("expires_in", lifetime)
                    .put("ext_expires_in", lifetime).put("access_token", token), null);
        }
    }

    private void connector(HttpExchange exchange, String method, String path, byte[] body) throws IOException {
        Failure failure;
        synchronized (failures) {
            failure = failures.poll();
        }
        if (failure != null) {
            answer(exchange, method, path, failure.status(), error(failure.status() == 429 ? "TooManyRequests"
                    : "ServiceError", "the stand-in was told to fail"), failure.retryAfterSeconds());
            return;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")
                || !accessTokens.contains(authorization.substring(7))) {
            answer(exchange, method, path, 401, JSON.createObjectNode()
                    .put("message", "Authorization has been denied for this request."), null);
            return;
        }
        ObjectNode json;
        try {
            JsonNode parsed = JSON.readTree(body);
            if (!(parsed instanceof ObjectNode object)) {
                throw new IOException("not a JSON object");
            }
            json = object;
        } catch (IOException e) {
            answer(exchange, method, path, 400, error("BadSyntax", "the body is not a JSON object"), null);
            return;
        }
        String[] segments = Arrays.stream(path.split("/")).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
                .toArray(String[]::new);
        // segments: v3, conversations[, id, activities[, activityId]]
        if (segments.length == 2 && method.equals("POST")) {
            createConversation(exchange, method, path, json);
        } else if (segments.length == 4 && segments[3].equals("activities") && method.equals("POST")) {
            sendActivity(exchange, method, path, segments[2], json);
        } else if (segments.length == 5 && segments[3].equals("activities") && method.equals("PUT")) {
            updateActivity(exchange, method, path, segments[2], segments[4], json);
        } else {
            answer(exchange, method, path, 405, error("BadArgument", method + " is not served at " + path), null);
        }
    }

    private void createConversation(HttpExchange exchange, String method, String path, ObjectNode body)
            throws IOException {
        String tenant = body.path("channelData").path("tenant").path("id").asText(body.path("tenantId").asText(""));
        JsonNode members = body.path("members");
        if (!("28:" + appId).equals(body.path("bot").path("id").asText()) || body.path("isGroup").asBoolean(false)
                || !members.isArray() || members.size() != 1 || members.get(0).path("id").asText("").isEmpty()) {
            answer(exchange, method, path, 400, error("BadArgument", "a 1:1 conversation needs the bot (28:<app id>) "
                    + "and exactly one member"), null);
            return;
        }
        if (!tenantId.equals(tenant)) {
            answer(exchange, method, path, 403, error("Forbidden", "the bot is not installed in tenant " + tenant),
                    null);
            return;
        }
        String aadObjectId = members.get(0).path("id").asText();
        String conversationId = conversationId(aadObjectId);
        conversations.put(conversationId, aadObjectId);
        answer(exchange, method, path, 201, JSON.createObjectNode().put("id", conversationId), null);
    }

    private void sendActivity(HttpExchange exchange, String method, String path, String conversationId,
                              ObjectNode activity) throws IOException {
        String member = conversations.get(conversationId);
        if (member == null) {
            answer(exchange, method, path, 404, error("ConversationNotFound", "Conversation not found."), null);
            return;
        }
        if (!"message".equals(activity.path("type").asText())) {
            answer(exchange, method, path, 400, error("BadArgument", "only message activities are sent"), null);
            return;
        }
        String activityId = String.valueOf(nextActivity.incrementAndGet());
        activityIds.computeIfAbsent(conversationId, c -> ConcurrentHashMap.newKeySet()).add(activityId);
        record(new SentActivity(SentActivity.Kind.SENT, conversationId, activityId, member, activity, Instant.now()));
        answer(exchange, method, path, 201, JSON.createObjectNode().put("id", activityId), null);
    }

    private void updateActivity(HttpExchange exchange, String method, String path, String conversationId,
                                String activityId, ObjectNode activity) throws IOException {
        String member = conversations.get(conversationId);
        if (member == null || !activityIds.getOrDefault(conversationId, Set.of()).contains(activityId)) {
            answer(exchange, method, path, 404, error("ActivityNotFound", "Activity not found."), null);
            return;
        }
        record(new SentActivity(SentActivity.Kind.UPDATED, conversationId, activityId, member, activity,
                Instant.now()));
        answer(exchange, method, path, 200, JSON.createObjectNode().put("id", activityId), null);
    }

    private void record(SentActivity activity) {
        synchronized (activities) {
            activities.add(activity);
            activities.notifyAll();
        }
    }

    private void answer(HttpExchange exchange, String method, String path, int status, JsonNode body,
                        Integer retryAfterSeconds) throws IOException {
        calls.add(new ConnectorCall(method, path, status, Instant.now()));
        respond(exchange, status, body, retryAfterSeconds);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body, Integer retryAfterSeconds)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (retryAfterSeconds != null) {
            exchange.getResponseHeaders().set("Retry-After", String.valueOf(retryAfterSeconds));
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private ObjectNode metadata() {
        ObjectNode metadata = JSON.createObjectNode();
        metadata.put("issuer", ISSUER);
        metadata.put("authorization_endpoint", "https://invalid.botframework.com");
        metadata.put("jwks_uri", base + KEYS_PATH);
        metadata.putArray("id_token_signing_alg_values_supported").add("RS256");
        metadata.putArray("token_endpoint_auth_methods_supported").add("private_key_jwt");
        return metadata;
    }

    private ObjectNode jwks() {
        ObjectNode jwks = JSON.createObjectNode();
        ArrayNode keys = jwks.putArray("keys");
        for (Key key : publishedKeys) {
            RSAPublicKey publicKey = (RSAPublicKey) key.pair().getPublic();
            ObjectNode jwk = keys.addObject().put("kty", "RSA").put("use", "sig").put("kid", key.kid())
                    .put("x5t", key.kid()).put("n", b64(unsigned(publicKey.getModulus())))
                    .put("e", b64(unsigned(publicKey.getPublicExponent())));
            ArrayNode endorsements = jwk.putArray("endorsements");
            key.endorsements().forEach(endorsements::add);
        }
        return jwks;
    }

    private String conversationId(String aadObjectId) {
        return "a:" + pseudonym("conversation:" + aadObjectId);
    }

    private String pseudonym(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((appId + "/" + value).getBytes(StandardCharsets.UTF_8));
            return b64(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return body;
    }

    private static String segment(ObjectNode json) {
        return b64(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sign(Key key, String signingInput) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key.pair().getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "BotConnectorStandIn[" + base + ", appId=" + appId + ", tenant=" + tenantId + "]";
    }
}
