package io.countersign.siem.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * An HTTPS webhook: each batch is one POST of a JSON array (the events of the {@code json} or {@code ocsf} format as
 * objects, {@code cef} lines as strings), with {@code Authorization: Bearer <token>} when a token is configured; any
 * 2xx confirms it. 503 and 429 wait for {@code Retry-After}.
 */
final class WebhookTransport implements Transport {

    private final URI url;
    private final String token;
    private final boolean jsonEvents;
    private final HttpClient client;
    private final Duration timeout;
    private long confirmed = -1;

    WebhookTransport(URI url, String token, boolean jsonEvents, HttpClient client, Duration timeout) {
        this.url = url;
        this.token = token;
        this.jsonEvents = jsonEvents;
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public long send(List<SiemEvent> events) throws IOException {
        StringBuilder body = new StringBuilder(events.size() * 512).append('[');
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append(jsonEvents ? events.get(i).body()
                    : com.fasterxml.jackson.databind.node.TextNode.valueOf(events.get(i).body()).toString());
        }
        body.append(']');
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<Void> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while posting to the webhook", e);
        }
        int status = response.statusCode();
        if (status == 503 || status == 429) {
            long wait = response.headers().firstValue("Retry-After").map(v -> {
                try {
                    return Math.min(300, Long.parseLong(v.trim())) * 1000;
                } catch (NumberFormatException e) {
                    return 0L;
                }
            }).orElse(0L);
            throw new RetryLater("the webhook answered " + status, wait);
        }
        if (status / 100 != 2) {
            throw new IOException("the webhook answered " + status);
        }
        confirmed = events.get(events.size() - 1).seq() + 1;
        return confirmed;
    }

    @Override
    public long confirmed() {
        return confirmed;
    }

    @Override
    public String target() {
        return url.getScheme() + "://" + url.getAuthority() + url.getPath();
    }

    @Override
    public void close() {
        // nothing held
    }
}
