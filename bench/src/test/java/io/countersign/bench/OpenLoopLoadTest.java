package io.countersign.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load generator against a small HTTP server in this JVM: every answer counted once, refusals as errors. */
class OpenLoopLoadTest {

    private final AtomicInteger served = new AtomicInteger();
    private HttpServer server;
    private volatile int status = 201;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/v1/actions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            served.incrementAndGet();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private OpenLoopLoad load() {
        return new OpenLoopLoad(server.getAddress(), "/v1/actions", "key", "{\"a\":1}");
    }

    @Test
    void openLoopSendsAtTheRate_andCountsWhatWasDueInTheWindow() throws Exception {
        OpenLoopLoad.Result result = load().run(200, 4, 0.5, 1);
        assertEquals(0, result.errors());
        assertTrue(result.completed() >= 180 && result.completed() <= 220, "completed " + result.completed());
        assertTrue(served.get() >= result.completed(), "warm-up answers are served but not counted");
        assertEquals(result.completed(), result.latencyNanos().getTotalCount());
    }

    @Test
    void closedLoopKeepsEveryConnectionBusy_andCountsRefusalsAsErrors() throws Exception {
        status = 503;
        OpenLoopLoad.Result result = load().runClosed(4, 0.2, 0.5);
        assertTrue(result.completed() > 0);
        assertEquals(result.completed(), result.errors(), "every answer was a 503");
        assertEquals(result.completed(), result.latencyNanos().getTotalCount());
    }
}
