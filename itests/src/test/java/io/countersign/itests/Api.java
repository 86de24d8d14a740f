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

/**
 * A small client for Countersign's HTTP API, as an agent or reviewer would use it. Every exchange is checked against
 * the API's OpenAPI document ({@link OpenApiContract}): an answer that departs from it fails the test at once.
 */
final class Api {

    record Answer(int status, String contentType, JsonNode body, String raw) {
        String text(String field) {
            return body.path(field).asText();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final OpenApiContract CONTRACT = OpenApiContract.bundled();

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
        return send(request.build(), null, null);
    }

    /** A GET whose answer is binary, such as an evidence bundle. */
    HttpResponse<byte[]> download(String path, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90)).GET()
                .header("Authorization", "Bearer " + token).build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        boolean json = contentType.contains("json");
        CONTRACT.verify(new OpenApiContract.Exchange("GET", path, null, null, response.statusCode(), contentType,
                json ? new String(response.body(), StandardCharsets.UTF_8) : null));
        return response;
    }

    /** Any method, for the tests that walk the API's routes; a null token sends no credentials. */
    Answer send(String method, String path, String token, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build(), contentType, body);
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
        return send(request.build(), contentType, body);
    }

    /**
     * A large body announced as curl announces one over 1 MiB: headers with its Content-Length and
     * {@code Expect: 100-continue}, the body only once the server says 100 Continue. A server that refuses it by its
     * length answers before the body is sent. (Java 17's HttpClient can hang on a final answer to an expect-continue
     * request, JDK-8286171, and without expect-continue the server's early answer races the upload: a broken pipe.)
     */
    Answer postLargeBody(String path, String token, byte[] body) throws IOException {
        URI uri = URI.create(base + path);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            String head = "POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            String[] answer = readHead(in);
            int status = Integer.parseInt(answer[0].split(" ")[1]);
            if (status == 100) {
                socket.getOutputStream().write(body);
                socket.getOutputStream().flush();
                answer = readHead(in);
                status = Integer.parseInt(answer[0].split(" ")[1]);
            }
            return checked("POST", uri.getPath(), null, null, answer(status, answer, in));
        }
    }

    /**
     * Sends {@code head} (a request line and header lines, without the blank line that ends them) as it is, for
     * requests an HTTP client refuses to make: a malformed URI, an unknown version.
     */
    Answer raw(String head) throws IOException {
        URI uri = URI.create(base);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((head + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            String[] answer = readHead(in);
            String[] requestLine = head.split("\r\n", 2)[0].split(" ");
            return checked(requestLine[0], requestLine.length > 1 ? requestLine[1] : "", null, null,
                    answer(Integer.parseInt(answer[0].split(" ")[1]), answer, in));
        }
    }

    private static Answer answer(int status, String[] head, java.io.InputStream in) throws IOException {
        String contentType = "";
        int length = 0;
        for (String line : head) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring(13).trim();
            } else if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        String raw = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Answer(status, contentType, raw.isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(raw), raw);
    }

    /** The status line and header lines of one HTTP/1.1 response head. */
    private static String[] readHead(java.io.InputStream in) throws IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the connection closed inside a response head: " + head);
            }
            head.write(next);
            matched = (next == '\r' && (matched == 0 || matched == 2)) || (next == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII).trim().split("\r\n");
    }

    Answer delete(String path, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).DELETE()
                .header("Authorization", "Bearer " + token).build(), null, null);
    }

    private Answer send(HttpRequest request, String requestContentType, String requestBody)
            throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        String raw = response.body();
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        JsonNode body = raw == null || raw.isEmpty() || !contentType.contains("json") ? MAPPER.nullNode()
                : MAPPER.readTree(raw);
        URI uri = request.uri();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return checked(request.method(), target, requestContentType, requestBody, new Answer(response.statusCode(),
                contentType, body, raw));
    }

    private static Answer checked(String method, String target, String contentType, String requestBody,
                                  Answer answer) {
        CONTRACT.verify(new OpenApiContract.Exchange(method, target, contentType, requestBody, answer.status(),
                answer.contentType(), answer.raw()));
        return answer;
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
