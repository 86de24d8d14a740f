package io.countersign.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExchangesTest {

    @Test
    void retryAfterIsWholeSecondsRoundedUp_neverZero() {
        assertEquals("1", Exchanges.retryAfter(null));
        assertEquals("1", Exchanges.retryAfter(Duration.ZERO));
        assertEquals("1", Exchanges.retryAfter(Duration.ofMillis(100)));
        assertEquals("2", Exchanges.retryAfter(Duration.ofMillis(1500)));
        assertEquals("5", Exchanges.retryAfter(Duration.ofSeconds(5)));
    }


    private static final String BODY = "{\"verdict\":\"approve\"}";

    private LocalServer server;
    private int port;

    @BeforeEach
    void refuseEveryRequestWithoutReadingItsBody() throws Exception {
        server = LocalServer.start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Exchanges.unauthorized(response, callback, "no credentials");
                return true;
            }
        });
        port = server.port();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void anAnswerSentBeforeTheBodyArrivedClosesTheConnection() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(headers().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAnswer(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
        }
    }

    @Test
    void anAnswerToAFullyReceivedBodyKeepsTheConnection() throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write((headers() + BODY).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAnswer(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
            assertFalse(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
        }
    }

    private String headers() {
        return "POST /v1/actions HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + BODY.length() + "\r\n\r\n";
    }

    /** Reads the head and the Content-Length body of one answer. */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
