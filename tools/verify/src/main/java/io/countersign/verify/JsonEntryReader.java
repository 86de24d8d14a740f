package io.countersign.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The slow path for an entry line that is not canonical: reads it as any JSON with the streaming parser,
 * so that it can still be checked, and says precisely what is malformed when it cannot be read.
 */
final class JsonEntryReader {
    /** Names are not checked for duplicates here: such a line already failed the canonical check. */
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int SEQ = 1;
    private static final int TIME = 2;
    private static final int TYPE = 4;
    private static final int DATA = 8;
    private static final int PREV = 16;
    private static final int ALL_MEMBERS = SEQ | TIME | TYPE | DATA | PREV;

    /** The entry, or what is malformed; {@code seq} is what could be read of it, else -1. */
    record Result(EntryFields fields, String problem, long seq) {
    }

    private long seq = -1;
    private String time;
    private long timeNanos;
    private String type;
    private EntryData data;
    private byte[] prev;

    private JsonEntryReader() {
    }

    static Result read(byte[] bytes, int from, int to) {
        JsonEntryReader reader = new JsonEntryReader();
        String problem = reader.readEntry(bytes, from, to);
        if (problem != null) {
            return new Result(null, problem, reader.seq);
        }
        return new Result(new EntryFields(reader.seq, reader.time, reader.timeNanos, reader.type, reader.data, reader.prev),
                null, reader.seq);
    }

    private String readEntry(byte[] bytes, int from, int to) {
        if (from == to) {
            return "empty line";
        }
        try (JsonParser parser = FACTORY.createParser(bytes, from, to - from)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "the line is not a JSON object";
            }
            int seen = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                int member = member(name);
                if (member == 0) {
                    return "unexpected member \"" + name + "\"";
                }
                if ((seen & member) != 0) {
                    return "member \"" + name + "\" appears twice";
                }
                seen |= member;
                String problem = readMember(member, token, parser);
                if (problem != null) {
                    return problem;
                }
            }
            if (seen != ALL_MEMBERS) {
                return "an entry must have exactly seq, time, type, data and prev";
            }
            if (parser.nextToken() != null) {
                return "bytes after the entry object";
            }
            return null;
        } catch (JsonProcessingException e) {
            return "not JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            return "not JSON: " + e.getMessage();
        }
    }

    private static int member(String name) {
        return switch (name) {
            case "seq" -> SEQ;
            case "time" -> TIME;
            case "type" -> TYPE;
            case "data" -> DATA;
            case "prev" -> PREV;
            default -> 0;
        };
    }

    private String readMember(int member, JsonToken token, JsonParser parser) throws IOException {
        switch (member) {
            case SEQ -> {
                if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        || parser.getLongValue() < 0 || parser.getLongValue() > EntryDecoder.MAX_EXACT_SEQ) {
                    return "seq is not an integer from 0 to 2^53";
                }
                seq = parser.getLongValue();
            }
            case TIME -> {
                if (token != JsonToken.VALUE_STRING) {
                    return "time is not a string";
                }
                time = parser.getText();
                try {
                    timeNanos = JournalTime.parse(time);
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            }
            case TYPE -> {
                if (token != JsonToken.VALUE_STRING || parser.getTextLength() == 0) {
                    return "type is not a non-empty string";
                }
                type = parser.getText();
            }
            case DATA -> {
                if (token != JsonToken.START_OBJECT) {
                    return "data is not an object";
                }
                data = readData(parser);
            }
            default -> {
                prev = token == JsonToken.VALUE_STRING ? Digests.parseText(parser.getText()) : null;
                if (prev == null) {
                    return "prev is not sha256: and 64 lower-case hex digits";
                }
            }
        }
        return null;
    }

    private static EntryData readData(JsonParser parser) throws IOException {
        EntryData data = new EntryData();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            DataMember member = DataMember.named(parser.currentName());
            JsonToken token = parser.nextToken();
            if (member == null || token == JsonToken.VALUE_NULL) {
                parser.skipChildren();
                continue;
            }
            switch (member) {
                case ACTION -> readAction(parser, token, data);
                case AGENT -> {
                    // an object in request.received; in grant.issued, the agent's id
                    if (token == JsonToken.START_OBJECT) {
                        data.agent(memberText(parser, "id"));
                    } else {
                        data.put(member, textOrSkip(parser, token));
                    }
                }
                case APPROVERS -> data.put(member, texts(parser, token));
                default -> data.put(member, textOrSkip(parser, token));
            }
        }
        return data;
    }

    private static void readAction(JsonParser parser, JsonToken token, EntryData data) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            data.put(DataMember.ACTION, skip(parser));
            return;
        }
        int start = (int) parser.currentTokenLocation().getByteOffset();
        String requester = null;
        List<String> onBehalfOf = List.of();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("requester".equals(name) && value == JsonToken.VALUE_STRING) {
                requester = parser.getText();
            } else if ("onBehalfOf".equals(name)) {
                onBehalfOf = value == JsonToken.VALUE_STRING ? List.of(parser.getText())
                        : Objects.requireNonNullElse(texts(parser, value), List.of());
            } else {
                parser.skipChildren();
            }
        }
        data.action(start, (int) parser.currentTokenLocation().getByteOffset() + 1, requester, onBehalfOf);
    }

    /** The string member {@code name} of the object just started, reading through its end. */
    private static String memberText(JsonParser parser, String name) throws IOException {
        String text = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean wanted = name.equals(parser.currentName());
            if (parser.nextToken() == JsonToken.VALUE_STRING && wanted) {
                text = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return text;
    }

    /** An array of strings, or null (having skipped the value) when it is anything else. */
    private static List<String> texts(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            return skip(parser);
        }
        List<String> texts = new ArrayList<>();
        boolean allText = true;
        for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
            if (element == JsonToken.VALUE_STRING) {
                texts.add(parser.getText());
            } else {
                allText = false;
                parser.skipChildren();
            }
        }
        return allText ? texts : null;
    }

    private static String textOrSkip(JsonParser parser, JsonToken token) throws IOException {
        return token == JsonToken.VALUE_STRING ? parser.getText() : skip(parser);
    }

    private static <T> T skip(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
    }
}
