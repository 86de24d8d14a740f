package io.countersign.siem.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Splunk HTTP Event Collector: each batch is one POST of concatenated envelopes to {@code /services/collector/event}
 * with {@code Authorization: Splunk <token>}. Without indexer acknowledgment a 200 confirms the batch (Splunk only
 * says it looked valid); with it, the request carries {@code X-Splunk-Request-Channel}, the answer an {@code ackId},
 * and the batch is confirmed only once {@code /services/collector/ack} reports it indexed; an ack that does not come
 * within {@code ackTimeout} sends the batch again. 503 and 429 wait for {@code Retry-After}.
 */
final class HecTransport implements Transport {

    /** What a HEC sink is configured with. */
    record Options(URI base, String token, boolean ack, String index, String sourcetype, String source, String host,
                   boolean jsonEvents, Duration ackTimeout, Duration ackPoll, Duration requestTimeout) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Splunk's default {@code max_content_length} is 1,000,000 bytes: stay well under it (UTF-8 ≤ 3 × chars). */
    static final int MAX_REQUEST_CHARS = 300_000;

    private final Options options;
    private final HttpClient client;
    private final String channel = UUID.randomUUID().toString();
    private long confirmed = -1;

    HecTransport(Options options, HttpClient client) {
        this.options = options;
        this.client = client;
    }

    @Override
    public long send(List<SiemEvent> events) throws IOException {
        StringBuilder body = new StringBuilder(Math.min(MAX_REQUEST_CHARS, events.size() * 512));
        for (SiemEvent event : events) {
            String envelope = envelope(event);
            if (body.length() > 0 && body.length() + envelope.length() > MAX_REQUEST_CHARS) {
                post(body.toString());
                body.setLength(0);
            }
            body.append(envelope);
        }
        post(body.toString());
        confirmed = events.get(events.size() - 1).seq() + 1;
        return confirmed;
    }

    /** One request, acknowledged when ack is on. A failure of any request of a batch sends the whole batch again. */
    private void post(String body) throws IOException {
        JsonNode answer = post("/services/collector/event", body, "event batch");
        if (options.ack()) {
            if (!answer.path("ackId").canConvertToLong()) {
                throw new IOException("HEC answered without an ackId although acknowledgment is on: " + answer);
            }
            awaitAck(answer.get("ackId").asLong());
        }
    }

    String envelope(SiemEvent event) throws IOException {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.put("time", BigDecimal.valueOf(event.time().toEpochMilli()).movePointLeft(3));
        envelope.put("host", options.host());
        envelope.put("source", options.source());
        envelope.put("sourcetype", options.sourcetype());
        if (!options.index().isEmpty()) {
            envelope.put("index", options.index());
        }
        if (options.jsonEvents()) {
            envelope.set("event", MAPPER.readTree(event.body()));
        } else {
            envelope.put("event", event.body());
        }
        ObjectNode fields = envelope.putObject("fields");
        fields.put("seq", event.seq());
        fields.put("hash", event.hash());
        fields.put("type", event.type());
        return envelope.toString();
    }

    private void awaitAck(long ackId) throws IOException {
        long deadline = System.nanoTime() + options.ackTimeout().toNanos();
        String query = "{\"acks\":[" + ackId + "]}";
        while (true) {
            JsonNode answer = post("/services/collector/ack?channel=" + channel, query, "ack query");
            if (answer.path("acks").path(Long.toString(ackId)).asBoolean(false)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("HEC did not acknowledge ackId " + ackId + " within " + options.ackTimeout());
            }
            try {
                Thread.sleep(options.ackPoll().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for HEC ack " + ackId, e);
            }
        }
    }

    private JsonNode post(String path, String body, String what) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(options.base().resolve(path))
                .timeout(options.requestTimeout())
                .header("Authorization", "Splunk " + options.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (options.ack()) {
            request.header("X-Splunk-Request-Channel", channel);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending the HEC " + what, e);
        }
        int status = response.statusCode();
        if (status == 503 || status == 429) {
            long wait = response.headers().firstValue("Retry-After").map(HecTransport::seconds).orElse(0L);
            throw new RetryLater("HEC answered " + status + " to the " + what, wait);
        }
        if (status != 200) {
            throw new IOException("HEC answered " + status + " to the " + what + ": " + abbreviate(response.body()));
        }
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("HEC answered the " + what + " with something that is not JSON", e);
        }
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.min(300, Long.parseLong(retryAfter.trim())) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    @Override
    public long confirmed() {
        return confirmed;
    }

    @Override
    public String target() {
        return options.base() + (options.ack() ? " (indexer acknowledgment)" : "");
    }

    @Override
    public void close() {
        // the HttpClient's connections are released with it
    }
}
