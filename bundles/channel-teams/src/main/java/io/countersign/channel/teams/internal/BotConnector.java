package io.countersign.channel.teams.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The three Bot Connector REST operations the channel needs: create (or find) a 1:1 conversation, send an
 * activity, replace an activity. A 401 makes it drop the cached token and try once more with a new one.
 */
final class BotConnector {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CONVERSATIONS = 10_000;

    private final TeamsSettings settings;
    private final HttpClient http;
    private final BotTokenSource tokens;
    /** (service URL, Entra object id) → conversation id; creating it again would give the same id, one call later */
    private final Map<String, String> conversations = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > MAX_CONVERSATIONS;
                }
            });

    BotConnector(TeamsSettings settings, HttpClient http, BotTokenSource tokens) {
        this.settings = settings;
        this.http = http;
        this.tokens = tokens;
    }

    /** The id of the bot's 1:1 conversation with this Entra user, created if needed. */
    String conversationWith(Exchange exchange, String serviceUrl, String aadObjectId)
            throws ChannelUnavailableException, ChannelRejectedException {
        String key = serviceUrl + '\n' + aadObjectId;
        String known = conversations.get(key);
        if (known != null) {
            return known;
        }
        // Teams takes the Entra object id as the member id of a new 1:1 conversation; the tenant goes in channelData
        ObjectNode body = JSON.createObjectNode();
        body.putObject("bot").put("id", settings.botAccountId()).put("name", settings.botName());
        body.put("isGroup", false);
        body.putArray("members").addObject().put("id", aadObjectId);
        body.put("tenantId", settings.tenantId());
        body.putObject("channelData").putObject("tenant").put("id", settings.tenantId());
        JsonNode answer = call(exchange, "POST", uri(serviceUrl, "v3/conversations"), body, "create conversation");
        String id = answer.path("id").asText("");
        if (id.isEmpty()) {
            throw new ChannelRejectedException("create conversation answered without a conversation id");
        }
        conversations.put(key, id);
        return id;
    }

    /** Posts a new activity to a conversation; returns its id. */
    String send(Exchange exchange, String serviceUrl, String conversationId, ObjectNode activity)
            throws ChannelUnavailableException, ChannelRejectedException {
        JsonNode answer;
        try {
            answer = call(exchange, "POST", uri(serviceUrl, "v3/conversations/" + segment(conversationId)
                    + "/activities"), activity, "send activity");
        } catch (ChannelRejectedException e) {
            // a deleted or blocked chat: the next notification asks for the conversation again
            conversations.values().removeIf(conversationId::equals);
            throw e;
        }
        String id = answer.path("id").asText("");
        if (id.isEmpty()) {
            throw new ChannelRejectedException("send activity answered without an activity id");
        }
        return id;
    }

    /** Replaces an activity the bot sent earlier. */
    void update(Exchange exchange, String serviceUrl, String conversationId, String activityId, ObjectNode activity)
            throws ChannelUnavailableException, ChannelRejectedException {
        call(exchange, "PUT", uri(serviceUrl, "v3/conversations/" + segment(conversationId) + "/activities/"
                + segment(activityId)), activity, "update activity");
    }

    private JsonNode call(Exchange exchange, String method, URI uri, ObjectNode body, String what)
            throws ChannelUnavailableException, ChannelRejectedException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new ChannelRejectedException(what + ": the activity cannot be serialised", e);
        }
        String token = tokens.token(exchange);
        HttpResponse<String> response = exchange(method, uri, bytes, token, what);
        if (response.statusCode() == 401) {
            tokens.invalidate(token);
            response = exchange(method, uri, bytes, tokens.token(exchange), what);
        }
        ProviderResponses.check(exchange, what, response, ProviderResponses.excerpt(response.body()));
        try {
            JsonNode answer = response.body() == null || response.body().isBlank() ? null
                    : JSON.readTree(response.body());
            return answer == null ? JSON.createObjectNode() : answer;
        } catch (IOException e) {
            throw new ChannelRejectedException(what + " answered with a body that is not JSON", e);
        }
    }

    private HttpResponse<String> exchange(String method, URI uri, byte[] body, String token, String what)
            throws ChannelUnavailableException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ProviderResponses.unreachable(what, e);
        } catch (InterruptedException e) {
            throw ProviderResponses.interrupted(what, e);
        }
    }

    private static URI uri(String serviceUrl, String path) {
        return URI.create((serviceUrl.endsWith("/") ? serviceUrl : serviceUrl + "/") + path);
    }

    /** Conversation ids carry ':', '@' and ';': each goes into the path percent-encoded. */
    private static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
