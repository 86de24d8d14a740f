package io.countersign.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * {@code --param name=value}: a value that is a JSON number written in its shortest form ({@code 3}, {@code 0.5}),
 * {@code true}, {@code false} or {@code null}, or that starts like a JSON object, array or string ({@code {}, [,
 * "}), is that JSON value; anything else is a string. So {@code replicas=3} is the number 3, but {@code
 * version=1.10} and {@code tag=007} stay strings: a number that would be rewritten ({@code 1.1}, {@code 7}) is not
 * what was typed, and the approval is bound to what reviewers saw.
 */
final class Parameters {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Parameters() {
    }

    static void put(ObjectNode parameters, String assignment) throws UsageException {
        int equals = assignment.indexOf('=');
        if (equals <= 0) {
            throw new UsageException("--param needs name=value, got '" + assignment + "'");
        }
        String name = assignment.substring(0, equals);
        if (parameters.has(name)) {
            throw new UsageException("--param " + name + " is given twice");
        }
        parameters.set(name, value(assignment.substring(equals + 1)));
    }

    static JsonNode value(String text) throws UsageException {
        if (text.startsWith("{") || text.startsWith("[") || text.startsWith("\"")) {
            try {
                return MAPPER.readTree(text);
            } catch (IOException e) {
                throw new UsageException("--param value " + text + " starts like JSON but is not: " + e.getMessage());
            }
        }
        switch (text) {
            case "true", "false", "null" -> {
                return parse(text);
            }
            default -> {
                if (text.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
                    JsonNode number = parse(text);
                    // beyond 2^53 an integer is not exact in every JSON reader; the server refuses it
                    boolean exact = !number.isIntegralNumber() || number.bigIntegerValue().abs().bitLength() <= 53;
                    if (number.isNumber() && exact && number.toString().equals(text)) {
                        return number;
                    }
                }
                return JsonNodeFactory.instance.textNode(text);
            }
        }
    }

    private static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }
}
