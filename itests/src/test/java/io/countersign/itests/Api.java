package io.countersign.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small client for Countersign's HTTP API, as an agent or reviewer would use it. */
final class Api {

    record Answer(int status, String contentType, JsonNode body, String raw) {
        String text(String field) {
            return body.path(field).asText();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Answer get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** A GET whose answer is binary, such as an evidence bundle. */
    HttpResponse<byte[]> download(String path, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90)).GET()
                .header("Authorization", "Bearer " + token).build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    Answer post(String path, String token, String json) throws IOException, InterruptedException {
        return post(path, token, "application/json", json, null);
    }

    Answer post(String path, String token, String contentType, String body, String idempotencyKey)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    Answer delete(String path, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).DELETE()
                .header("Authorization", "Bearer " + token).build());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        String raw = response.body();
        JsonNode body = raw == null || raw.isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(raw);
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body, raw);
    }

    boolean isUp() {
        try {
            return get("/v1/health", null).status() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void awaitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (isUp()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Countersign did not answer on " + base + " within " + timeout);
    }

    static String action(String action, String resource, String environment, String parameters, String onBehalfOf) {
        return "{\"action\":\"" + action + "\",\"resource\":\"" + resource + "\",\"environment\":\"" + environment
                + "\",\"parameters\":" + parameters + ",\"onBehalfOf\":\"" + onBehalfOf
                + "\",\"justification\":\"integration test\"}";
    }
}
