package io.countersign.ledger.internal;

import io.countersign.api.Checkpoint;
import io.countersign.api.Signature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Checkpoints as C2SP {@code tlog-checkpoint} bodies in C2SP {@code signed-note}s (docs/evidence-format.md §2): the
 * text is origin, size, base64 root and a {@code time} extension line; the one signature line names the origin as the
 * key and carries the 4-byte key hash before the Ed25519 signature.
 */
final class CheckpointNote {

    private static final String SIGNATURE_PREFIX = "\u2014 ";

    private CheckpointNote() {
    }

    /** The signed text: every line ends in a newline, the time line included. */
    static String text(String origin, long size, byte[] root, Instant time) {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\ntime " + time + "\n";
    }

    static Checkpoint signed(String origin, long size, byte[] root, Instant time, Signature signature) {
        byte[] keyHash = HexFormat.of().parseHex(signature.keyId());
        byte[] blob = new byte[keyHash.length + signature.value().length];
        System.arraycopy(keyHash, 0, blob, 0, keyHash.length);
        System.arraycopy(signature.value(), 0, blob, keyHash.length, signature.value().length);
        String note = text(origin, size, root, time) + "\n" + SIGNATURE_PREFIX + origin + " "
                + Base64.getEncoder().encodeToString(blob) + "\n";
        return new Checkpoint(origin, size, root, time, signature.keyId(), note);
    }

    /** Reads back a note this class wrote; the signature is checked by the caller. */
    static Checkpoint parse(String note) {
        int blank = note.indexOf("\n\n");
        if (blank < 0 || !note.endsWith("\n")) {
            throw new IllegalArgumentException("a signed note has its text, a blank line and signature lines");
        }
        String[] lines = note.substring(0, blank).split("\n", -1);
        if (lines.length != 4 || !lines[3].startsWith("time ")) {
            throw new IllegalArgumentException("a checkpoint has exactly the lines origin, size, root and time");
        }
        String[] signature = note.substring(blank + 2, note.length() - 1).split(" ", -1);
        if (signature.length != 3 || !(signature[0] + " ").equals(SIGNATURE_PREFIX) || !signature[1].equals(lines[0])) {
            throw new IllegalArgumentException("a checkpoint has one signature line by its origin");
        }
        byte[] blob = Base64.getDecoder().decode(signature[2]);
        if (blob.length != 68) {
            throw new IllegalArgumentException("an Ed25519 note signature is a 4-byte key hash and 64 bytes");
        }
        return new Checkpoint(lines[0], Long.parseLong(lines[1]), Base64.getDecoder().decode(lines[2]),
                Instant.parse(lines[3].substring(5)), HexFormat.of().formatHex(blob, 0, 4), note);
    }

    /** The signature bytes of a parsed note, without the key hash. */
    static byte[] signatureOf(Checkpoint checkpoint) {
        String note = checkpoint.note();
        String line = note.substring(note.indexOf("\n\n") + 2, note.length() - 1);
        byte[] blob = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
        return java.util.Arrays.copyOfRange(blob, 4, blob.length);
    }

    static byte[] signedBytes(Checkpoint checkpoint) {
        return text(checkpoint.origin(), checkpoint.size(), checkpoint.root(), checkpoint.time())
                .getBytes(StandardCharsets.UTF_8);
    }
}
