package io.countersign.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;

/**
 * RFC 8785 JSON Canonicalization Scheme: members sorted by UTF-16 code units, no insignificant white space,
 * minimal string escaping and numbers in the ECMAScript {@code Number.prototype.toString} form.
 */
public final class Jcs {

    private static final double MAX_EXACT_LONG = 9.007199254740992E15;

    private Jcs() {
    }

    public static byte[] canonicalize(JsonNode node) {
        Utf8Sink out = new Utf8Sink(512);
        write(node, out);
        return out.toByteArray();
    }

    public static String canonicalString(JsonNode node) {
        return new String(canonicalize(node), StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, Utf8Sink out) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out);
            case ARRAY -> {
                out.ascii('[');
                boolean first = true;
                for (JsonNode element : node) {
                    if (!first) {
                        out.ascii(',');
                    }
                    first = false;
                    write(element, out);
                }
                out.ascii(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> out.ascii(numberToString(node.doubleValue()));
            case BOOLEAN -> out.ascii(node.booleanValue() ? "true" : "false");
            case NULL -> out.ascii("null");
            default -> throw new IllegalArgumentException("not representable in JSON: " + node.getNodeType());
        }
    }

    private static void writeObject(JsonNode node, Utf8Sink out) {
        String[] names = new String[node.size()];
        int n = 0;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names[n++] = it.next();
        }
        // String.compareTo orders by UTF-16 code units, which is exactly what RFC 8785 section 3.2.3 asks for.
        Arrays.sort(names);
        out.ascii('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.ascii(',');
            }
            writeString(names[i], out);
            out.ascii(':');
            write(node.get(names[i]), out);
        }
        out.ascii('}');
    }

    private static void writeString(String value, Utf8Sink out) {
        out.ascii('"');
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                out.ascii(c);
                continue;
            }
            switch (c) {
                case '"' -> out.ascii("\\\"");
                case '\\' -> out.ascii("\\\\");
                case '\b' -> out.ascii("\\b");
                case '\f' -> out.ascii("\\f");
                case '\n' -> out.ascii("\\n");
                case '\r' -> out.ascii("\\r");
                case '\t' -> out.ascii("\\t");
                default -> {
                    if (c < 0x20) {
                        out.ascii("\\u00");
                        out.ascii(Character.forDigit(c >> 4, 16));
                        out.ascii(Character.forDigit(c & 0xF, 16));
                    } else if (Character.isHighSurrogate(c) && i + 1 < length
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.codePoint(Character.toCodePoint(c, value.charAt(++i)));
                    } else {
                        out.codePoint(c);
                    }
                }
            }
        }
        out.ascii('"');
    }

    /** A growable UTF-8 byte buffer: canonical JSON is written straight to bytes. */
    private static final class Utf8Sink {
        private byte[] bytes;
        private int size;

        Utf8Sink(int capacity) {
            bytes = new byte[capacity];
        }

        void ascii(char c) {
            ensure(1);
            bytes[size++] = (byte) c;
        }

        void ascii(String text) {
            int length = text.length();
            ensure(length);
            for (int i = 0; i < length; i++) {
                bytes[size++] = (byte) text.charAt(i);
            }
        }

        void codePoint(int cp) {
            ensure(4);
            if (cp < 0x80) {
                bytes[size++] = (byte) cp;
            } else if (cp < 0x800) {
                bytes[size++] = (byte) (0xC0 | (cp >> 6));
                bytes[size++] = (byte) (0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                // A lone surrogate has no UTF-8 form; StrictJson refuses them on input, so this is a replacement.
                if (cp >= 0xD800 && cp <= 0xDFFF) {
                    cp = 0xFFFD;
                }
                bytes[size++] = (byte) (0xE0 | (cp >> 12));
                bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                bytes[size++] = (byte) (0xF0 | (cp >> 18));
                bytes[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (cp & 0x3F));
            }
        }

        private void ensure(int extra) {
            if (size + extra > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
    }

    /** ECMAScript's shortest round-tripping decimal form of a double (ECMA-262 Number::toString). */
    public static String numberToString(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("NaN and Infinity have no JSON form");
        }
        if (value == 0) {
            return "0";
        }
        if (value == Math.rint(value) && Math.abs(value) < MAX_EXACT_LONG) {
            return Long.toString((long) value);
        }
        String sign = value < 0 ? "-" : "";
        BigDecimal shortest = shortestRoundTrip(Math.abs(value));
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        // value = digits * 10^(n-k)
        int n = k - shortest.scale();
        StringBuilder out = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            int exponent = n - 1;
            out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        }
        return out.toString();
    }

    private static BigDecimal shortestRoundTrip(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (roundTrips(nearest, value)) {
                return nearest.stripTrailingZeros();
            }
            // Next to a power of two the rounding interval is lopsided: the nearest candidate can miss while its
            // neighbour on the wider side still rounds back to the value.
            BigDecimal step = BigDecimal.ONE.scaleByPowerOfTen(nearest.precision() - nearest.scale() - precision);
            for (BigDecimal neighbour : new BigDecimal[] {nearest.add(step), nearest.subtract(step)}) {
                if (neighbour.signum() > 0 && roundTrips(neighbour, value)) {
                    return neighbour.stripTrailingZeros();
                }
            }
        }
        return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
    }

    private static boolean roundTrips(BigDecimal candidate, double value) {
        return Double.parseDouble(candidate.toString()) == value;
    }
}
