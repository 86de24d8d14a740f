package io.countersign.api.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Parses untrusted JSON as I-JSON (RFC 7493): duplicate member names, lone surrogates, numbers that an IEEE double
 * cannot hold exactly, a byte order mark, trailing content and deep nesting are all refused, because parsers
 * disagree on them and the action digest must mean one thing.
 */
public final class StrictJson {

    public static final int MAX_DEPTH = 64;
    private static final double MAX_SAFE_INTEGER = 9007199254740991d;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private StrictJson() {
    }

    /** Parses a document whose top level must be an object. */
    public static JsonNode parseObject(byte[] body) throws JsonInputException {
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            throw new JsonInputException("the body starts with a byte order mark; send plain UTF-8");
        }
        JsonNode root;
        try (JsonParser parser = MAPPER.createParser(body)) {
            root = MAPPER.readTree(parser);
        } catch (JsonProcessingException e) {
            throw new JsonInputException("malformed JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            // BigDecimal refuses an exponent beyond an int (1E+99999999999); no double could hold it either
            throw new JsonInputException("malformed JSON: a number's exponent is out of range");
        } catch (IOException e) {
            throw new JsonInputException("unreadable JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new JsonInputException("the body is empty; a JSON object is required");
        }
        if (!root.isObject()) {
            throw new JsonInputException("the body must be a JSON object, not " + describe(root));
        }
        check(root, "");
        return normalizeNumbers(root);
    }

    /** A mapper for trusted, already validated data (serialising responses, reading our own journal). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static void check(JsonNode node, String pointer) throws JsonInputException {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                String child = pointer + "/" + member.getKey().replace("~", "~0").replace("/", "~1");
                checkText(member.getKey(), child + " (member name)");
                check(member.getValue(), child);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), pointer + "/" + i);
            }
        } else if (node.isTextual()) {
            checkText(node.textValue(), pointer);
        } else if (node.isNumber()) {
            checkNumber(node, pointer);
        }
    }

    private static void checkText(String text, String pointer) throws JsonInputException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new JsonInputException("lone surrogate in the string at " + at(pointer));
            }
            if (Character.isLowSurrogate(c)) {
                throw new JsonInputException("lone surrogate in the string at " + at(pointer));
            }
        }
    }

    private static void checkNumber(JsonNode node, String pointer) throws JsonInputException {
        if (node.isBigInteger() || node.isIntegralNumber()) {
            if (Math.abs(node.bigIntegerValue().doubleValue()) > MAX_SAFE_INTEGER) {
                throw new JsonInputException("the integer at " + at(pointer)
                        + " is beyond 2^53 and cannot be represented exactly; send it as a string");
            }
            return;
        }
        double value = node.decimalValue().doubleValue();
        if (Double.isInfinite(value)) {
            throw new JsonInputException("the number at " + at(pointer) + " is out of range");
        }
    }

    private static JsonNode normalizeNumbers(JsonNode node) {
        // After validation every number is held as a double or long, as the canonical form sees it.
        if (node.isObject()) {
            var object = (com.fasterxml.jackson.databind.node.ObjectNode) node;
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                member.setValue(normalizeNumbers(member.getValue()));
            }
            return object;
        }
        if (node.isArray()) {
            var array = (com.fasterxml.jackson.databind.node.ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, normalizeNumbers(array.get(i)));
            }
            return array;
        }
        if (node.isIntegralNumber()) {
            return MAPPER.getNodeFactory().numberNode(node.longValue());
        }
        if (node.isNumber()) {
            return MAPPER.getNodeFactory().numberNode(node.decimalValue().doubleValue());
        }
        return node;
    }

    private static String at(String pointer) {
        return pointer.isEmpty() ? "the top level" : "'" + pointer + "'";
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
