package io.countersign.chaincode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A checkpoint as a C2SP signed note (docs/evidence-format.md §2): four text lines (origin, size, base64 root,
 * {@code time <instant>}), a blank line, then signature lines {@code — <name> <base64(key hash || signature)>}.
 */
record SignedCheckpoint(String origin, long size, byte[] root, Instant time, byte[] text,
                        List<NoteSignature> signatures) {

    record NoteSignature(String name, byte[] keyHash, byte[] signature) {
    }

    private static final String SIGNATURE_PREFIX = "\u2014 ";

    static SignedCheckpoint parse(String note) {
        int end = note.indexOf("\n\n");
        if (end < 0) {
            throw bad("it has no blank line between its text and its signatures");
        }
        String text = note.substring(0, end + 1);
        String[] lines = text.split("\n", -1);
        if (lines.length != 5 || !lines[4].isEmpty()) {
            throw bad("its text has " + (lines.length - 1) + " lines; a checkpoint has origin, size, root and time");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw bad("its size line is not a decimal number: " + lines[1]);
        }
        byte[] root;
        try {
            root = java.util.Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw bad("its root line is not base64");
        }
        if (root.length != 32) {
            throw bad("its root has " + root.length + " bytes, not 32");
        }
        if (!lines[3].startsWith("time ")) {
            throw bad("its fourth line is not 'time <instant>'");
        }
        Instant time;
        try {
            time = Instant.parse(lines[3].substring(5));
        } catch (java.time.format.DateTimeParseException e) {
            throw bad("its time is not an instant: " + lines[3].substring(5));
        }
        List<NoteSignature> signatures = new ArrayList<>();
        String block = note.substring(end + 2);
        if (!block.endsWith("\n")) {
            throw bad("its last signature line does not end with a newline");
        }
        for (String line : block.substring(0, block.length() - 1).split("\n", -1)) {
            signatures.add(signatureLine(line));
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw bad("its size is too large: " + lines[1]);
        }
        return new SignedCheckpoint(lines[0], size, root, time,
                text.getBytes(StandardCharsets.UTF_8), List.copyOf(signatures));
    }

    private static NoteSignature signatureLine(String line) {
        if (!line.startsWith(SIGNATURE_PREFIX)) {
            throw bad("a signature line does not start with an em dash and a space");
        }
        String[] parts = line.substring(SIGNATURE_PREFIX.length()).split(" ", -1);
        if (parts.length != 2 || parts[0].isEmpty()) {
            throw bad("a signature line is not '<name> <signature>'");
        }
        byte[] signed;
        try {
            signed = java.util.Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw bad("a signature is not base64");
        }
        if (signed.length != 4 + 64) {
            throw bad("a signature has " + signed.length + " bytes; an Ed25519 one has 4 + 64");
        }
        return new NoteSignature(parts[0], Arrays.copyOfRange(signed, 0, 4), Arrays.copyOfRange(signed, 4, 68));
    }

    private static Refusal bad(String detail) {
        return new Refusal("bad-checkpoint", "the checkpoint does not parse: " + detail);
    }
}
