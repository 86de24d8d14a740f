package io.countersign.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A C2SP {@code tlog-checkpoint} carried in a C2SP {@code signed-note} (§2).
 *
 * @param noteText the signed bytes: the four body lines, each ending in a newline
 */
record Checkpoint(String origin, long size, byte[] root, String time, long timeNanos, byte[] noteText,
                  List<NoteSignature> signatures) {
    private static final String SIGNATURE_PREFIX = "\u2014 ";
    private static final String TIME_PREFIX = "time ";

    /** One signature line: {@code — <key name> <b64(key hash ‖ signature)>}. */
    record NoteSignature(String keyName, byte[] keyHash, byte[] signature) {
        String keyId() {
            return Digests.hex(keyHash);
        }
    }

    /** Parses a signed note; throws {@link IllegalArgumentException} saying what is malformed. */
    static Checkpoint parse(String note) {
        int blank = note.indexOf("\n\n");
        if (blank < 0 || !note.endsWith("\n")) {
            throw new IllegalArgumentException("not a signed note: no blank line before the signatures, or no final newline");
        }
        String body = note.substring(0, blank + 1);
        String[] lines = body.split("\n", -1);
        if (lines.length != 5) {
            throw new IllegalArgumentException("the note text must be exactly origin, size, root and time lines");
        }
        String origin = lines[0];
        if (origin.isEmpty()) {
            throw new IllegalArgumentException("the origin line is empty");
        }
        long size = parseSize(lines[1]);
        byte[] root = Encodings.base64(lines[2]);
        if (root == null || root.length != 32) {
            throw new IllegalArgumentException("the root line is not base64 of 32 bytes");
        }
        if (!lines[3].startsWith(TIME_PREFIX)) {
            throw new IllegalArgumentException("the fourth line is not \"time <instant>\"");
        }
        String time = lines[3].substring(TIME_PREFIX.length());
        long timeNanos = JournalTime.parse(time);
        List<NoteSignature> signatures = parseSignatures(note.substring(blank + 2));
        return new Checkpoint(origin, size, root, time, timeNanos, body.getBytes(StandardCharsets.UTF_8), signatures);
    }

    private static long parseSize(String line) {
        boolean decimal = !line.isEmpty() && line.length() <= 18 && line.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!decimal || (line.length() > 1 && line.charAt(0) == '0')) {
            throw new IllegalArgumentException("the size line \"" + line + "\" is not a decimal without leading zeros");
        }
        return Long.parseLong(line);
    }

    private static List<NoteSignature> parseSignatures(String block) {
        List<NoteSignature> signatures = new ArrayList<>();
        for (String line : block.substring(0, block.length() - 1).split("\n", -1)) {
            int space = line.indexOf(' ', SIGNATURE_PREFIX.length());
            if (!line.startsWith(SIGNATURE_PREFIX) || space < 0) {
                throw new IllegalArgumentException("a signature line is not \"\u2014 <name> <base64>\"");
            }
            byte[] blob = Encodings.base64(line.substring(space + 1));
            if (blob == null || blob.length < 5) {
                throw new IllegalArgumentException("a signature line does not hold base64 of a key hash and a signature");
            }
            byte[] keyHash = Arrays.copyOf(blob, 4);
            byte[] signature = Arrays.copyOfRange(blob, 4, blob.length);
            signatures.add(new NoteSignature(line.substring(SIGNATURE_PREFIX.length(), space), keyHash, signature));
        }
        if (signatures.isEmpty()) {
            throw new IllegalArgumentException("the note has no signature line");
        }
        return List.copyOf(signatures);
    }

    String rootBase64() {
        return Encodings.toBase64(root);
    }
}
