package io.countersign.channel.teams.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;

/**
 * The bot's access token for the Bot Connector, from the OAuth 2.0 client-credentials grant, kept until shortly
 * before it expires. The token and the client secret never leave this class except in the Authorization header.
 */
final class BotTokenSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WHAT = "the token endpoint";
    private static final Duration MAX_MARGIN = Duration.ofMinutes(5);

    private final TeamsSettings settings;
    private final HttpClient http;
    private final Clock clock;
    private AccessToken current;

    private record AccessToken(String value, Instant refreshAt) {
    }

    BotTokenSource(TeamsSettings settings, HttpClient http, Clock clock) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
    }

    /** A token valid for a while yet: the cached one, or a new one. */
    synchronized String token(Exchange exchange) throws ChannelUnavailableException, ChannelRejectedException {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(current.refreshAt())) {
            current = fetch(exchange, now);
        }
        return current.value();
    }

    /** Forgets {@code token} if it is the cached one, after the Connector refused it. */
    synchronized void invalidate(String token) {
        if (current != null && current.value().equals(token)) {
            current = null;
        }
    }

    private AccessToken fetch(Exchange exchange, Instant now)
            throws ChannelUnavailableException, ChannelRejectedException {
        String form = "grant_type=client_credentials"
                + "&client_id=" + encode(settings.appId())
                + "&client_secret=" + encode(settings.clientSecret())
                + "&scope=" + encode(settings.tokenScope());
        HttpRequest request = HttpRequest.newBuilder(settings.tokenUrl())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ProviderResponses.unreachable(WHAT, e);
        } catch (InterruptedException e) {
            throw ProviderResponses.interrupted(WHAT, e);
        }
        JsonNode body = parse(response.body());
        // only the OAuth error code: the rest of an error body is not ours to repeat
        ProviderResponses.check(exchange, WHAT, response, body.path("error").asText(""));
        String token = body.path("access_token").asText("");
        long lifetime = body.path("expires_in").asLong(0);
        if (token.isEmpty() || lifetime <= 0 || !body.path("token_type").asText("Bearer").equalsIgnoreCase("Bearer")) {
            throw new ChannelRejectedException(WHAT + " answered without a bearer access_token and expires_in");
        }
        Duration valid = Duration.ofSeconds(lifetime);
        Duration margin = valid.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? valid.dividedBy(2) : MAX_MARGIN;
        return new AccessToken(token, now.plus(valid).minus(margin));
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
