package io.countersign.intake.rest.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Request bodies for fuzzing, from a seed: a valid body with one value swapped for something a lenient parser
 * mishandles, cut short, or with bytes flipped, inserted or dropped.
 */
final class HostileBodies {

    /** JSON values parsers disagree on or choke on. */
    static final List<String> HOSTILE_VALUES = List.of("1E+99999999999", "-1e99999999999999999999", "1E-99999999999",
            "0.5e2147483648", "1e400", "-0", "9007199254740993", "-9007199254740993", "1.0000000000000000001",
            "123456789012345678901234567890", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "null", "true", "[]",
            "{}", "[".repeat(80) + "]".repeat(80), "{\"a\":" .repeat(70) + "1" + "}".repeat(70), "\"" + "x".repeat(
            5000) + "\"", "NaN", "Infinity", "'single'", "0x10", "01", ".5", "1.", "+1", "\"\\x41\"",
            "{\"a\":1,\"a\":2}");

    private static final String JSON_PUNCTUATION = "{}[]\",:\\0e+-.";

    private final Random random;

    HostileBodies(long seed) {
        this.random = new Random(seed);
    }

    byte[] next(String valid) {
        return switch (random.nextInt(5)) {
            case 0, 1 -> swapValue(valid).getBytes(StandardCharsets.UTF_8);
            case 2 -> truncate(valid.getBytes(StandardCharsets.UTF_8));
            case 3 -> mutateBytes(valid.getBytes(StandardCharsets.UTF_8));
            default -> mutateBytes(swapValue(valid).getBytes(StandardCharsets.UTF_8));
        };
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Replaces the value after one member name (or, for a valueless body, the whole body) with a hostile one. */
    private String swapValue(String valid) {
        String value = HOSTILE_VALUES.get(random.nextInt(HOSTILE_VALUES.size()));
        int colons = (int) valid.chars().filter(c -> c == ':').count();
        if (colons == 0) {
            return value;
        }
        int target = random.nextInt(colons);
        int at = -1;
        for (int i = 0; i <= target; i++) {
            at = valid.indexOf(':', at + 1);
        }
        int end = endOfValue(valid, at + 1);
        return valid.substring(0, at + 1) + value + valid.substring(end);
    }

    /** Where the JSON value starting at {@code from} ends, by bracket depth and strings. */
    private static int endOfValue(String json, int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return json.length();
    }

    private byte[] truncate(byte[] body) {
        return java.util.Arrays.copyOf(body, random.nextInt(body.length + 1));
    }

    private byte[] mutateBytes(byte[] body) {
        byte[] mutated = body.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && mutated.length > 0; i++) {
            int at = random.nextInt(mutated.length);
            switch (random.nextInt(3)) {
                case 0 -> mutated[at] = (byte) random.nextInt(256);
                case 1 -> {
                    byte[] longer = new byte[mutated.length + 1];
                    System.arraycopy(mutated, 0, longer, 0, at);
                    longer[at] = (byte) JSON_PUNCTUATION.charAt(random.nextInt(JSON_PUNCTUATION.length()));
                    System.arraycopy(mutated, at, longer, at + 1, mutated.length - at);
                    mutated = longer;
                }
                default -> {
                    byte[] shorter = new byte[mutated.length - 1];
                    System.arraycopy(mutated, 0, shorter, 0, at);
                    System.arraycopy(mutated, at + 1, shorter, at, mutated.length - at - 1);
                    mutated = shorter;
                }
            }
        }
        return mutated;
    }
}
