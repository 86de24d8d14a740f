package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Syslog5424Test {

    private final Syslog5424 syslog = new Syslog5424(13, "node-1", "countersign");

    private static SiemEvent event(long seq, String body) {
        return new SiemEvent(seq, "sha256:" + "0a".repeat(32), Instant.parse("2026-12-07T10:00:00.123456789Z"),
                "review.accepted", 1, body);
    }

    @Test
    void octetCountIsTheMessageLengthInBytesNotChars() {
        byte[] message = "é€\uD83D\uDE00".getBytes(StandardCharsets.UTF_8); // 2 + 3 + 4 bytes
        byte[] frame = Syslog5424.frame(message);
        assertEquals("9 ", new String(frame, 0, 2, StandardCharsets.US_ASCII));
        assertEquals(11, frame.length);
    }

    @Test
    void messageFollowsRfc5424() {
        String text = new String(syslog.message(event(42, "{\"a\":1}")), StandardCharsets.UTF_8);
        // PRI 13*8+6, version 1, microseconds, hostname, app, no procid, msgid = type
        assertTrue(text.startsWith("<110>1 2026-12-07T10:00:00.123456Z node-1 countersign - review.accepted "
                + "[countersign@32473 seq=\"42\" hash=\"sha256:" + "0a".repeat(32) + "\" type=\"review.accepted\"] "
                + "\uFEFF{\"a\":1}"), text);
        SiemEvent high = new SiemEvent(1, "h", Instant.EPOCH, "breakglass.invoked", 4, "x");
        assertTrue(new String(syslog.message(high), StandardCharsets.UTF_8).startsWith("<108>1 "));
    }

    @Test
    void paramValuesEscapeQuoteBackslashAndBracket() {
        assertEquals("a\\\"b\\\\c\\]d", Syslog5424.paramValue("a\"b\\c]d"));
    }

    @Test
    void headerFieldsArePrintableAscii() {
        assertEquals("a_b_c", Syslog5424.printable("a b\u00e9c", 48));
        assertEquals("-", Syslog5424.printable("", 48));
        assertEquals(48, Syslog5424.printable("x".repeat(100), 48).length());
    }

    @Test
    void framesOfBodiesWithNewlinesParseBackExactly() throws IOException {
        List<byte[]> messages = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        String[] bodies = {"one\ntwo", "12 fake frame", "", "line\r\n<13>1 - - - - - injected", "x".repeat(9000)};
        for (int i = 0; i < bodies.length; i++) {
            byte[] message = syslog.message(event(i, bodies[i]));
            messages.add(message);
            stream.write(Syslog5424.frame(message));
        }
        InputStream in = new ByteArrayInputStream(stream.toByteArray());
        for (byte[] expected : messages) {
            assertArrayEquals(expected, readFrame(in));
        }
        assertEquals(-1, in.read());
    }

    /** The receiver's side of RFC 5425 §4.3: digits, a space, that many octets. */
    static byte[] readFrame(InputStream in) throws IOException {
        int length = 0;
        int c;
        while ((c = in.read()) != ' ') {
            if (c < '0' || c > '9') {
                throw new IOException("not a frame length: " + c);
            }
            length = length * 10 + (c - '0');
        }
        return in.readNBytes(length);
    }
}
