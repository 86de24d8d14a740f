package io.countersign.siem.internal;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * RFC 5424 messages and RFC 5425 octet-counting frames ({@code MSG-LEN SP SYSLOG-MSG}). The event's seq and hash
 * travel in structured data {@code [countersign@32473 seq="…" hash="…" type="…"]} as well as in the body; the body is
 * UTF-8 with the BOM RFC 5424 asks for. Octet counting makes any byte in the body harmless to the framing.
 */
final class Syslog5424 {

    /** RFC 5424 §7.2.2 documentation PEN: Countersign has no IANA enterprise number of its own (docs/siem.md). */
    static final String SD_ID = "countersign@32473";
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final int facility;
    private final String hostname;
    private final String appName;

    Syslog5424(int facility, String hostname, String appName) {
        this.facility = facility;
        this.hostname = printable(hostname, 255);
        this.appName = printable(appName, 48);
    }

    /** PRI = facility × 8 + severity; OCSF severity 4 (high) is warning (4), 3 notice (5), else informational (6). */
    byte[] message(SiemEvent event) {
        int severity = event.severity() >= 4 ? 4 : event.severity() == 3 ? 5 : 6;
        StringBuilder head = new StringBuilder(160);
        head.append('<').append(facility * 8 + severity).append(">1 ")
                .append(TIME.format(event.time().truncatedTo(ChronoUnit.MICROS))).append(' ')
                .append(hostname).append(' ').append(appName).append(" - ")
                .append(printable(event.type(), 32)).append(" [").append(SD_ID)
                .append(" seq=\"").append(event.seq()).append('"')
                .append(" hash=\"").append(paramValue(event.hash())).append('"')
                .append(" type=\"").append(paramValue(event.type())).append("\"] ");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] body = event.body().getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[headBytes.length + BOM.length + body.length];
        System.arraycopy(headBytes, 0, message, 0, headBytes.length);
        System.arraycopy(BOM, 0, message, headBytes.length, BOM.length);
        System.arraycopy(body, 0, message, headBytes.length + BOM.length, body.length);
        return message;
    }

    /** RFC 5425 §4.3: what goes before the message, its length in octets in decimal and a space. */
    static byte[] lengthPrefix(byte[] message) {
        return (message.length + " ").getBytes(StandardCharsets.US_ASCII);
    }

    /** RFC 5425 §4.3: the message's length in octets, in decimal, a space, then the message. */
    static byte[] frame(byte[] message) {
        byte[] length = lengthPrefix(message);
        byte[] frame = new byte[length.length + message.length];
        System.arraycopy(length, 0, frame, 0, length.length);
        System.arraycopy(message, 0, frame, length.length, message.length);
        return frame;
    }

    /** RFC 5424 §6.3.3: {@code "}, {@code \} and {@code ]} escaped with a backslash. */
    static String paramValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Header fields are PRINTUSASCII (33–126) of bounded length; anything else becomes {@code _}, empty {@code -}. */
    static String printable(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(c >= 33 && c <= 126 ? c : '_');
        }
        return out.toString();
    }
}
