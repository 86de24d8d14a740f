package io.countersign.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides whether bytes are exactly the RFC 8785 serialisation of the JSON value they hold: no white space,
 * members in ascending UTF-16 order (which also rules out duplicate names), minimal string escapes, strict
 * UTF-8, numbers in ECMAScript form. Doing it on the bytes avoids serialising every entry a second time.
 * Readers that know a document's shape use the same cursor to check and read it in one pass
 * ({@link CanonicalEntryReader}); any deviation throws {@link NotCanonical}.
 */
final class CanonicalJson {
    private static final int MAX_DEPTH = 500;
    /** Bytes that stand for themselves inside a string: ASCII from U+0020, except '"' and '\\'. */
    private static final boolean[] PLAIN_ASCII = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN_ASCII[c] = c != '"' && c != '\\';
        }
    }

    private final byte[] bytes;
    private final int from;
    private final int end;
    private final MemberReader skipMember = (start, stop, simple, depth) -> value(depth);
    private int pos;

    /** Reads the members of an object: consumes the value of the member whose name token is {@code [start, stop)}. */
    interface MemberReader {
        void read(int start, int stop, boolean simple, int depth);
    }

    CanonicalJson(byte[] bytes, int from, int end) {
        this.bytes = bytes;
        this.from = from;
        this.end = end;
        this.pos = from;
    }

    /** Null when {@code bytes[from, to)} is canonical, else where and why it is not. */
    static String deviation(byte[] bytes, int from, int to) {
        CanonicalJson checker = new CanonicalJson(bytes, from, to);
        try {
            checker.value(0);
            checker.requireEnd();
            return null;
        } catch (NotCanonical e) {
            return e.getMessage();
        }
    }

    static String deviation(byte[] bytes) {
        return deviation(bytes, 0, bytes.length);
    }

    void value(int depth) {
        if (depth > MAX_DEPTH) {
            fail("nested deeper than " + MAX_DEPTH);
        }
        switch (peek()) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void object(int depth) {
        object(depth, skipMember);
    }

    /** Consumes an object, checking its member order, and lets {@code reader} consume each value. */
    void object(int depth, MemberReader reader) {
        if (depth > MAX_DEPTH) {
            fail("nested deeper than " + MAX_DEPTH);
        }
        expect('{');
        if (peek() == '}') {
            pos++;
            return;
        }
        int previousName = -1;
        boolean previousSimple = false;
        int previousEnd = -1;
        while (true) {
            if (peek() != '"') {
                fail("expected a member name");
            }
            int name = pos;
            boolean simple = string();
            if (previousName >= 0 && compareNames(previousName, previousEnd, previousSimple, name, pos, simple) >= 0) {
                failAt(name, "member names are not in strictly ascending order");
            }
            previousName = name;
            previousEnd = pos;
            previousSimple = simple;
            expect(':');
            reader.read(name, previousEnd, simple, depth);
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                return;
            }
        }
    }

    private void array(int depth) {
        pos++;
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            value(depth);
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                return;
            }
        }
    }

    /** Consumes a string; true when it is plain ASCII without escapes, so that bytes compare like UTF-16. */
    private boolean string() {
        pos++;
        boolean simple = true;
        while (true) {
            while (pos < end && PLAIN_ASCII[bytes[pos] & 0xFF]) {
                pos++;
            }
            int c = peek() & 0xFF;
            if (c == '"') {
                pos++;
                return simple;
            }
            simple = false;
            if (c == '\\') {
                escape();
            } else if (c < 0x20) {
                fail("a control character must be escaped");
            } else {
                utf8Sequence(c);
            }
        }
    }

    /** Consumes a string and returns its value. */
    String stringValue() {
        if (peek() != '"') {
            fail("expected a string");
        }
        int start = pos;
        boolean simple = string();
        return simple ? new String(bytes, start + 1, pos - start - 2, StandardCharsets.ISO_8859_1) : decode(start, pos);
    }

    /** Consumes any value; returns it when it is an array of strings, else null. */
    List<String> stringArrayValue(int depth) {
        if (peek() != '[') {
            value(depth);
            return null;
        }
        pos++;
        List<String> strings = new ArrayList<>(2);
        boolean allStrings = true;
        if (peek() == ']') {
            pos++;
            return strings;
        }
        while (true) {
            if (peek() == '"') {
                strings.add(stringValue());
            } else {
                allStrings = false;
                value(depth + 1);
            }
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                return allStrings ? strings : null;
            }
        }
    }

    /** Consumes a number; returns it when it is a non-negative integer, else -1. */
    long naturalNumberValue() {
        int start = pos;
        number();
        long value = 0;
        for (int i = start; i < pos; i++) {
            byte digit = bytes[i];
            if (!isDigit(digit) || i - start > 16) {
                return -1;
            }
            value = value * 10 + (digit - '0');
        }
        return value;
    }

    /** The name of the member whose name token is {@code [start, stop)}. */
    String name(int start, int stop, boolean simple) {
        return simple ? new String(bytes, start + 1, stop - start - 2, StandardCharsets.ISO_8859_1) : decode(start, stop);
    }

    /** Whether the member name token {@code [start, stop)} is {@code ascii} (a canonical name has one spelling). */
    boolean nameEquals(int start, int stop, byte[] ascii) {
        return stop - start - 2 == ascii.length && Arrays.equals(bytes, start + 1, stop - 1, ascii, 0, ascii.length);
    }

    /** Whether the value at the cursor is JSON null. */
    boolean atNull() {
        return peek() == 'n';
    }

    boolean at(char c) {
        return peek() == c;
    }

    int position() {
        return pos;
    }

    /** Requires that the cursor has consumed every byte. */
    void requireEnd() {
        if (pos != end) {
            fail("bytes after the end of the JSON value");
        }
    }

    private void escape() {
        pos++;
        switch (peek()) {
            case '"', '\\', 'b', 'f', 'n', 'r', 't' -> pos++;
            case 'u' -> {
                int code = 0;
                for (int i = 1; i <= 4; i++) {
                    int digit = pos + i < end ? Character.digit(bytes[pos + i], 16) : -1;
                    if (digit < 0 || Character.isUpperCase(bytes[pos + i])) {
                        fail("\\u must be followed by four lower-case hex digits");
                    }
                    code = code * 16 + digit;
                }
                if (code >= 0x20) {
                    fail("\\u escape of a character that must be written as itself");
                }
                if (code == '\b' || code == '\f' || code == '\n' || code == '\r' || code == '\t') {
                    fail("\\u escape of a character that has a two-character escape");
                }
                pos += 5;
            }
            default -> fail("an escape that RFC 8785 never writes");
        }
    }

    private void utf8Sequence(int lead) {
        int length;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) {
                low = 0xA0;
            } else if (lead == 0xED) {
                high = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) {
                low = 0x90;
            } else if (lead == 0xF4) {
                high = 0x8F;
            }
        } else {
            fail("not UTF-8");
            return;
        }
        for (int i = 1; i < length; i++) {
            int c = pos + i < end ? bytes[pos + i] & 0xFF : -1;
            int min = i == 1 ? low : 0x80;
            int max = i == 1 ? high : 0xBF;
            if (c < min || c > max) {
                fail("not UTF-8 (or an overlong form or a surrogate)");
            }
        }
        pos += length;
    }

    private void number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int integerStart = pos;
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            skipDigits();
        } else {
            fail("not a JSON value");
        }
        int integerDigits = pos - integerStart;
        boolean plainInteger = true;
        if (pos < end && bytes[pos] == '.') {
            pos++;
            requireDigits();
            plainInteger = false;
        }
        if (pos < end && (bytes[pos] == 'e' || bytes[pos] == 'E')) {
            pos++;
            if (pos < end && (bytes[pos] == '+' || bytes[pos] == '-')) {
                pos++;
            }
            requireDigits();
            plainInteger = false;
        }
        // integers of up to 15 digits are exact doubles whose ECMAScript form is the digits themselves
        if (plainInteger && integerDigits <= 15) {
            if (integerStart > start && bytes[integerStart] == '0') {
                failAt(start, "-0 is written 0");
            }
            return;
        }
        String text = new String(bytes, start, pos - start, StandardCharsets.ISO_8859_1);
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value)) {
            failAt(start, "a number beyond the range of a double");
        }
        String canonical = EcmaNumber.format(value);
        if (!canonical.equals(text)) {
            failAt(start, "the number " + text + " is written " + canonical);
        }
    }

    private void requireDigits() {
        if (!isDigit(peek())) {
            fail("expected a digit");
        }
        skipDigits();
    }

    private void skipDigits() {
        while (pos < end && isDigit(bytes[pos])) {
            pos++;
        }
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= end || bytes[pos + i] != word.charAt(i)) {
                fail("not a JSON value");
            }
        }
        pos += word.length();
    }

    void expect(char c) {
        if (peek() != c) {
            fail("expected '" + c + "'");
        }
        pos++;
    }

    private byte peek() {
        if (pos >= end) {
            fail("unexpected end");
        }
        return bytes[pos];
    }

    private int compareNames(int aStart, int aEnd, boolean aSimple, int bStart, int bEnd, boolean bSimple) {
        if (aSimple && bSimple) {
            return Arrays.compare(bytes, aStart + 1, aEnd - 1, bytes, bStart + 1, bEnd - 1);
        }
        return decode(aStart, aEnd).compareTo(decode(bStart, bEnd));
    }

    /** The value of an already checked string token {@code [start, end)}, quotes included. */
    private String decode(int start, int stop) {
        StringBuilder text = new StringBuilder(stop - start);
        int run = start + 1;
        int i = run;
        while (i < stop - 1) {
            if (bytes[i] != '\\') {
                i++;
                continue;
            }
            text.append(new String(bytes, run, i - run, StandardCharsets.UTF_8));
            byte kind = bytes[i + 1];
            switch (kind) {
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> text.append((char) Integer.parseInt(new String(bytes, i + 2, 4, StandardCharsets.US_ASCII), 16));
                default -> text.append((char) kind);
            }
            i += kind == 'u' ? 6 : 2;
            run = i;
        }
        text.append(new String(bytes, run, stop - 1 - run, StandardCharsets.UTF_8));
        return text.toString();
    }

    private void fail(String why) {
        failAt(pos, why);
    }

    private void failAt(int at, String why) {
        throw new NotCanonical("byte " + (at - from) + ": " + why);
    }

    /** Thrown by the cursor at the first byte that is not canonical JSON. */
    static final class NotCanonical extends RuntimeException {
        NotCanonical(String message) {
            super(message, null, false, false);
        }
    }
}
