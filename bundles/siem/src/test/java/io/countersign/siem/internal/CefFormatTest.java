package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.JournalEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CefFormatTest {

    private final CefFormat format = new CefFormat(Samples.ORIGIN);

    @Test
    void headerEscapesPipeAndBackslashAndHasNoLineBreak() {
        assertEquals("a\\|b\\\\c d", CefFormat.header("a|b\\c\nd"));
    }

    @Test
    void extensionEscapesBackslashEqualsAndLineBreaks() {
        assertEquals("a\\=b\\\\c\\nd\\re|f", CefFormat.value("a=b\\c\nd\re|f"));
    }

    @Test
    void everyEntryIsOneLineWithSevenHeaderFieldsAndItsSeqAndHash() {
        for (JournalEntry entry : Samples.all()) {
            String cef = format.format(entry);
            assertFalse(cef.contains("\n") || cef.contains("\r"), cef);
            List<String> header = header(cef);
            assertEquals(8, header.size(), cef);
            assertEquals("CEF:0", header.get(0));
            assertEquals(entry.type(), header.get(4));
            int severity = Integer.parseInt(header.get(6));
            assertTrue(severity >= 0 && severity <= 10);
            Map<String, String> ext = extension(header.get(7));
            assertEquals(Long.toString(entry.seq()), ext.get("cn1"), cef);
            assertEquals("seq", ext.get("cn1Label"));
            assertEquals(entry.hash(), ext.get("cs1"));
            assertEquals(Long.toString(entry.time().toEpochMilli()), ext.get("rt"));
        }
    }

    @Test
    void hostileTextRoundTripsThroughAParser() {
        JournalEntry refused = Samples.all().stream().filter(e -> e.type().equals("channel.refused")).findFirst()
                .orElseThrow();
        Map<String, String> ext = extension(header(format.format(refused)).get(7));
        assertEquals("v0 mismatch | x=1\nnext", ext.get("msg"));
        assertEquals("bad-signature", ext.get("reason"));
        assertEquals("6", header(format.format(refused)).get(6));
    }

    @Test
    void accessRefusalsCarryTheirCountSurfaceAndClientHash() {
        JournalEntry refused = Samples.all().stream().filter(e -> e.type().equals("access.refused")).findFirst()
                .orElseThrow();
        List<String> fields = header(format.format(refused));
        assertEquals("access.refused", fields.get(4));
        Map<String, String> ext = extension(fields.get(7));
        assertEquals("4981", ext.get("cnt"));
        assertEquals("4980", ext.get("cn2"));
        assertEquals("suppressed", ext.get("cn2Label"));
        assertEquals("intake-rest", ext.get("destinationServiceName"));
        assertEquals("hmac-sha256:0123456789abcdef0123456789abcdef", ext.get("flexString1"));
        assertEquals("credential-unknown", ext.get("reason"));
        assertEquals("failure", ext.get("outcome"));
    }

    /** Splits at unescaped pipes: the 7 header fields and the extension. */
    static List<String> header(String cef) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < cef.length(); i++) {
            char c = cef.charAt(i);
            if (fields.size() == 7) {
                field.append(c);
            } else if (c == '\\' && i + 1 < cef.length()) {
                field.append(cef.charAt(++i));
            } else if (c == '|') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    /** Parses {@code key=value} pairs: a key is the word before an unescaped '='; values are unescaped. */
    static Map<String, String> extension(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        List<int[]> equals = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                i++;
            } else if (text.charAt(i) == '=') {
                int start = text.lastIndexOf(' ', i) + 1;
                equals.add(new int[] {start, i});
            }
        }
        for (int k = 0; k < equals.size(); k++) {
            int[] eq = equals.get(k);
            int end = k + 1 < equals.size() ? equals.get(k + 1)[0] - 1 : text.length();
            pairs.put(text.substring(eq[0], eq[1]), unescape(text.substring(eq[1] + 1, end)));
        }
        return pairs;
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char n = value.charAt(++i);
                out.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
