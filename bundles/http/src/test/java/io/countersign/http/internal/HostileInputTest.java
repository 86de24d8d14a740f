package io.countersign.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.http.Exchanges;
import io.countersign.http.HealthSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The server as JettyServer builds it, spoken to over raw sockets: every refusal is problem+json. */
class HostileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HEADER_TIMEOUT_MILLIS = 1_500;

    private final AtomicReference<HealthSource> health = new AtomicReference<>();
    private final RouteTable routes = new RouteTable();
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = JettyServer.newServer(new JettyServer.Settings("127.0.0.1", 0, 8, 30_000, HEADER_TIMEOUT_MILLIS),
                new Dispatcher(routes, health::get));
        server.start();
        port = JettyServer.localPort(server);
        routes.add("/v1", (request, response, callback) -> {
            String value = org.eclipse.jetty.server.Request.extractQueryParameters(request).getValue("request");
            Exchanges.json(response, callback, 200, JSON.createObjectNode().put("request", value));
            return true;
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @ParameterizedTest
    @CsvSource({
            "GET /v1/actions/%zz HTTP/1.1, 400",
            "PUT * HTTP/1.0, 400",
            "GET /v1/health HTTP/9.9, 505",
            "GET /v1/health FOO/1.1, 505",
            "BREW /v1/%G0 HTTP/1.1, 400"
    })
    void protocolErrors_areProblemJson(String requestLine, int status) throws Exception {
        assertProblem(exchange(requestLine + "\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), status);
    }

    @Test
    void aUriTooLong_isProblemJson() throws Exception {
        assertProblem(exchange("GET /v1/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
    }

    @Test
    void headersTooLarge_areProblemJson() throws Exception {
        assertProblem(exchange("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n"),
                431);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/evidence?request=%ff", "/v1/evidence?request=%", "/v1/ledger/entries?from=%",
            "/v1/x?a=%C3%28", "/v1/health/ready?%zz"})
    void aBadlyEncodedQuery_is400ProblemJson(String target) throws Exception {
        String answer = exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals("malformed-query", assertProblem(answer, 400).path("reason").asText());
    }

    @Test
    void fuzzedQueries_areAnsweredOrRefusedAsProblemJson_neverA5xx() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20261207L);
        Random random = new Random(seed);
        String alphabet = "%%%=&&+;#?/azAZ09-._~\u00ff";
        for (int i = 0; i < 300; i++) {
            StringBuilder query = new StringBuilder();
            for (int n = random.nextInt(24); n > 0; n--) {
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                query.append(c);
                if (c == '%' && random.nextBoolean()) {
                    query.append(Integer.toHexString(random.nextInt(256)));
                }
            }
            String answer = exchange("GET /v1/x?" + query + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            int status = Integer.parseInt(answer.substring(9, 12));
            String context = "seed " + seed + ", query " + query + " -> " + answer;
            assertTrue(status < 500, context);
            if (status >= 400) {
                assertProblem(answer, status);
            }
        }
    }

    @Test
    void postToHealth_is405WithAllow() throws Exception {
        for (String path : new String[] {"/v1/health", "/v1/health/ready", "/health"}) {
            String answer = exchange("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
            assertEquals("method-not-allowed", assertProblem(answer, 405).path("reason").asText());
            assertTrue(header(answer, "allow").contains("GET"), answer);
        }
    }

    @Test
    void slowloris_isClosedWithinTheHeaderTimeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            out.write("GET /v1/health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean closed = false;
            for (int i = 0; i < 20 && !closed; i++) {
                Thread.sleep(300);
                try {
                    out.write(("X-Trickle-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (SocketException e) {
                    closed = true;
                }
                if (!closed && socket.getInputStream().available() > 0) {
                    break;
                }
            }
            int read = closed ? -1 : readAfterClose(socket.getInputStream());
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(-1, read, "the server closed the connection");
            assertTrue(elapsedMillis < HEADER_TIMEOUT_MILLIS + 2_000, "closed after " + elapsedMillis + " ms");
            assertTrue(elapsedMillis >= HEADER_TIMEOUT_MILLIS - 100, "closed too early: " + elapsedMillis + " ms");
        }
    }

    @Test
    void aKeptAliveConnection_servesRequestsThatArriveInTime() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            for (int i = 0; i < 3; i++) {
                Thread.sleep(HEADER_TIMEOUT_MILLIS / 2);
                socket.getOutputStream().write("GET /v1/x?request=a HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertTrue(readResponseHead(socket.getInputStream()).startsWith("HTTP/1.1 200"));
            }
        }
    }

    private static int readAfterClose(InputStream in) throws IOException {
        try {
            int b;
            while ((b = in.read()) != -1) {
                // drain whatever the server sent before closing
            }
            return b;
        } catch (SocketException e) {
            return -1;
        }
    }

    private static String readResponseHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = Integer.parseInt(header(text, "content-length").trim());
        in.readNBytes(length);
        return text;
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(answer);
            } catch (SocketException e) {
                // a reset after the answer was read
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "";
    }

    private static JsonNode assertProblem(String response, int status) throws IOException {
        assertTrue(response.matches("(?s)HTTP/1\\.[01] " + status + " .*"), response);
        assertEquals("application/problem+json", header(response, "content-type"), response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        JsonNode problem = JSON.readTree(body);
        assertEquals(status, problem.path("status").asInt(), body);
        assertTrue(problem.path("type").asText().startsWith("urn:countersign:problem:"), body);
        assertTrue(!problem.path("reason").asText().isBlank(), body);
        assertTrue(!problem.path("detail").asText().isBlank(), body);
        return problem;
    }
}
