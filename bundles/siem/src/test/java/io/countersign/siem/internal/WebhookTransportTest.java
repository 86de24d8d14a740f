package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebhookTransportTest {

    @Test
    void postsAJsonArrayWithTheBearerTokenAndHonoursRetryAfter() throws IOException {
        List<JsonNode> bodies = new CopyOnWriteArrayList<>();
        List<String> authorizations = new CopyOnWriteArrayList<>();
        AtomicInteger status = new AtomicInteger(503);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            try (exchange) {
                bodies.add(new ObjectMapper().readTree(exchange.getRequestBody().readAllBytes()));
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.getResponseHeaders().set("Retry-After", "2");
                exchange.sendResponseHeaders(status.get(), -1);
            }
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            WebhookTransport transport = new WebhookTransport(url, "s3cret", true, HttpClient.newHttpClient(),
                    Duration.ofSeconds(5));
            List<SiemEvent> events = List.of(
                    new SiemEvent(7, "h7", Instant.EPOCH, "t", 1, "{\"seq\":7}"),
                    new SiemEvent(8, "h8", Instant.EPOCH, "t", 1, "{\"seq\":8}"));
            IOException busy = assertThrows(IOException.class, () -> transport.send(events));
            assertInstanceOf(Transport.RetryLater.class, busy);
            assertEquals(2000, ((Transport.RetryLater) busy).millis());
            status.set(204);
            assertEquals(9, transport.send(events));
            assertEquals(8, bodies.get(1).get(1).get("seq").asInt());
            assertEquals("Bearer s3cret", authorizations.get(1));

            WebhookTransport cef = new WebhookTransport(url, "", false, HttpClient.newHttpClient(),
                    Duration.ofSeconds(5));
            cef.send(List.of(new SiemEvent(9, "h", Instant.EPOCH, "t", 1, "CEF:0|a\\|b|\"x\"")));
            assertEquals("CEF:0|a\\|b|\"x\"", bodies.get(2).get(0).asText());
            assertEquals(null, authorizations.get(2));
        } finally {
            server.stop(0);
        }
    }
}
