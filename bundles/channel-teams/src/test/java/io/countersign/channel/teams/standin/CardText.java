package io.countersign.channel.teams.standin;

import com.fasterxml.jackson.databind.JsonNode;

/** The texts of an Adaptive Card, the way a reader would go through it: one block per line. */
final class CardText {

    private CardText() {
    }

    static String of(JsonNode card) {
        StringBuilder out = new StringBuilder();
        collect(card.path("body"), out);
        return out.toString();
    }

    private static void collect(JsonNode elements, StringBuilder out) {
        for (JsonNode element : elements) {
            switch (element.path("type").asText()) {
                case "TextBlock" -> out.append(element.path("text").asText()).append('\n');
                case "RichTextBlock" -> {
                    for (JsonNode inline : element.path("inlines")) {
                        out.append(inline.isTextual() ? inline.asText() : inline.path("text").asText());
                    }
                    out.append('\n');
                }
                default -> {
                    collect(element.path("items"), out);
                    collect(element.path("columns"), out);
                }
            }
        }
    }
}
