package io.countersign.channel.slack.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a click through its {@code response_url}, after the click itself has been acknowledged: Slack wants the
 * acknowledgement within 3 s, so nothing here is awaited by the callback. Only URLs under the configured prefix
 * (Slack's hooks host) are called, whatever a payload says. The URL is a short-lived capability: it is not logged.
 */
final class ResponseUrl {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseUrl.class);

    private final HttpClient http;
    private final String allowedPrefix;
    private final Duration timeout;

    ResponseUrl(String allowedPrefix, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.allowedPrefix = allowedPrefix;
        this.timeout = timeout;
    }

    /** Replaces the clicked message with {@code message}, for the clicker. */
    CompletableFuture<Boolean> replace(String url, ReviewMessage.Rendered message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("replace_original", true)
                .put("text", message.text());
        body.set("blocks", message.blocks());
        return post(url, body);
    }

    /** Shows {@code message} to the clicker only, below the message they clicked. */
    CompletableFuture<Boolean> ephemeral(String url, ReviewMessage.Rendered message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("response_type", "ephemeral")
                .put("replace_original", false).put("text", message.text());
        body.set("blocks", message.blocks());
        return post(url, body);
    }

    private CompletableFuture<Boolean> post(String url, ObjectNode body) {
        if (url == null || !url.startsWith(allowedPrefix)) {
            LOG.warn("not answering a click through a response_url outside {}", allowedPrefix);
            return CompletableFuture.completedFuture(false);
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        } catch (IllegalArgumentException e) {
            LOG.warn("a click's response_url is not a valid URI");
            return CompletableFuture.completedFuture(false);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            if (failure != null) {
                LOG.warn("answering a click through its response_url failed: {}", failure.toString());
                return false;
            }
            if (response.statusCode() / 100 != 2) {
                LOG.warn("Slack answered HTTP {} to a response_url post", response.statusCode());
                return false;
            }
            return true;
        });
    }
}
