package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code --trusted-checkpoint}: a signed note as text, or the JSON answer of {@code GET /v1/ledger/checkpoint}. */
final class TrustedCheckpoint {
    private TrustedCheckpoint() {
    }

    static Checkpoint load(Path file) throws InputException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("cannot read the trusted checkpoint " + file + ": " + e.getMessage(), e);
        }
        try {
            return Checkpoint.parse(text.stripLeading().startsWith("{") ? noteOf(text) : text);
        } catch (IllegalArgumentException e) {
            throw new InputException("the trusted checkpoint " + file + " is malformed: " + e.getMessage(), e);
        }
    }

    private static String noteOf(String json) throws InputException {
        try {
            JsonNode answer = Json.read(json);
            String note = Json.text(answer, "note");
            if (note == null) {
                throw new InputException("the trusted checkpoint's JSON has no \"note\" string");
            }
            return note;
        } catch (IOException e) {
            throw new InputException("the trusted checkpoint's JSON is not readable: " + e.getMessage(), e);
        }
    }
}
