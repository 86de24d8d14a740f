package io.countersign.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;

/**
 * The one strict JSON reader of the verifier: duplicate member names and trailing content are errors.
 * Trees are built from the streaming parser rather than by an {@code ObjectMapper}, whose set-up costs a
 * command-line run about a tenth of a second; only the node classes of jackson-databind are used.
 */
final class Json {
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    /** The document's value, or null for an empty document. */
    static JsonNode read(byte[] bytes) throws IOException {
        return read(FACTORY.createParser(bytes));
    }

    static JsonNode read(byte[] bytes, int offset, int length) throws IOException {
        return read(FACTORY.createParser(bytes, offset, length));
    }

    static JsonNode read(String text) throws IOException {
        return read(FACTORY.createParser(text));
    }

    static JsonNode read(InputStream in) throws IOException {
        return read(FACTORY.createParser(in));
    }

    private static JsonNode read(JsonParser parser) throws IOException {
        try (parser) {
            if (parser.nextToken() == null) {
                return null;
            }
            JsonNode value = value(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "trailing content after the JSON value");
            }
            return value;
        }
    }

    private static JsonNode value(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, value(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? NODES.numberNode(parser.getBigIntegerValue())
                    : NODES.numberNode(parser.getLongValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new JsonParseException(parser, "unexpected token " + parser.currentToken());
        };
    }

    /** The member's string value, or null when it is absent or not a string. */
    static String text(JsonNode object, String member) {
        JsonNode value = object.get(member);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /** The member's value as an exact non-negative integer, or -1 when it is absent or not one. */
    static long naturalNumber(JsonNode object, String member) {
        JsonNode value = object.get(member);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            return -1;
        }
        return value.longValue();
    }
}
