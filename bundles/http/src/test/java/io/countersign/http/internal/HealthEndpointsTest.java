package io.countersign.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.http.HealthSource;
import io.countersign.http.LocalServer;
import io.countersign.http.HttpRoute;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health endpoints are the server's own: never 404, 503 {@code starting} until a health source is there. */
class HealthEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicReference<HealthSource> source = new AtomicReference<>();
    private final RouteTable routes = new RouteTable();
    private final HttpClient client = HttpClient.newHttpClient();
    private LocalServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = LocalServer.start(new Dispatcher(routes, source::get));
        port = server.port();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void beforeAnyHealthSource_bothEndpointsAnswer503Starting_withRetryAfter() throws Exception {
        for (String path : new String[] {"/v1/health", "/v1/health/ready"}) {
            HttpResponse<String> answer = get(path);
            assertEquals(503, answer.statusCode(), path);
            assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""));
            assertEquals("1", answer.headers().firstValue("Retry-After").orElse(""), path);
            JsonNode body = JSON.readTree(answer.body());
            assertEquals("starting", body.path("reason").asText());
            assertEquals("urn:countersign:problem:starting", body.path("type").asText());
            assertEquals(503, body.path("status").asInt());
            assertFalse(body.path("ready").asBoolean(true));
        }
    }

    @Test
    void aRouteOnV1_doesNotHideTheHealthEndpoints() throws Exception {
        HttpRoute v1 = (request, response, callback) -> false;
        routes.add("/v1", v1);
        assertEquals(503, get("/v1/health").statusCode());
        assertEquals(404, get("/v1/other").statusCode());
    }

    @Test
    void whenReady_livenessAndReadinessAre200_withTheSourcesMembers() throws Exception {
        source.set(() -> new HealthSource.Status(true, null, null, null,
                JsonNodeFactory.instance.objectNode().put("journalSize", 42)));
        JsonNode live = JSON.readTree(get("/v1/health").body());
        assertEquals("up", live.path("status").asText());
        assertTrue(live.path("ready").asBoolean());
        assertEquals(42, live.path("journalSize").asLong());
        HttpResponse<String> ready = get("/v1/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("ready", JSON.readTree(ready.body()).path("status").asText());
    }

    @Test
    void whenNotReady_livenessStays200_andReadinessIs503WithTheReasonAndRetryAfter() throws Exception {
        source.set(() -> new HealthSource.Status(false, "journal-unavailable", "the disk is full",
                Duration.ofMillis(2500), JsonNodeFactory.instance.objectNode().put("journalSize", 7)));
        HttpResponse<String> live = get("/v1/health");
        assertEquals(200, live.statusCode());
        JsonNode body = JSON.readTree(live.body());
        assertEquals("up", body.path("status").asText());
        assertFalse(body.path("ready").asBoolean(true));
        assertEquals("journal-unavailable", body.path("reason").asText());

        HttpResponse<String> ready = get("/v1/health/ready");
        assertEquals(503, ready.statusCode());
        assertEquals("3", ready.headers().firstValue("Retry-After").orElse(""), "rounded up to whole seconds");
        JsonNode problem = JSON.readTree(ready.body());
        assertEquals("journal-unavailable", problem.path("reason").asText());
        assertEquals("the disk is full", problem.path("detail").asText());
        assertEquals(7, problem.path("journalSize").asLong());
    }

    @Test
    void aFailingSource_isA503_notA500() throws Exception {
        source.set(() -> {
            throw new IllegalStateException("boom");
        });
        assertEquals(503, get("/v1/health/ready").statusCode());
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/health")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, answer.statusCode());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
