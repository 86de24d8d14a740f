package io.countersign.itests;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A made-up log, signed as Countersign signs its own (docs/evidence-format.md §1-§3): entry hashes, an RFC 9162
 * tree, checkpoints as C2SP signed notes and the key listing; and the §9.2 batches that anchor it.
 */
final class AnchorLog {

    final String origin;
    private final List<byte[]> entryHashes = new ArrayList<>();
    private final KeyPair key;
    private final byte[] publicKey;
    private final String keyId;
    private final Instant createdAt = Instant.now().minusSeconds(60);

    AnchorLog(String origin) throws Exception {
        this.origin = origin;
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] encoded = key.getPublic().getEncoded();
        publicKey = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        keyId = HexFormat.of().formatHex(keyHash());
    }

    String keyListing() {
        return "{\"origin\":\"" + origin + "\",\"keys\":[{\"keyId\":\"" + keyId + "\",\"name\":\"" + origin
                + "\",\"algorithm\":\"Ed25519\",\"publicKey\":\"" + Base64.getEncoder().encodeToString(publicKey)
                + "\",\"createdAt\":\"" + createdAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}]}";
    }

    void append(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            entryHashes.add(MessageDigest.getInstance("SHA-256")
                    .digest((origin + " entry " + entryHashes.size()).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** A batch of one segment, entries {@code from} to {@code to - 1}, under a checkpoint signed now. */
    String batch(int from, int to) throws Exception {
        return batch(from, to, checkpoint(to, root(to)));
    }

    String batch(int from, int to, String checkpoint) {
        ByteArrayOutputStream hashes = new ByteArrayOutputStream();
        entryHashes.subList(from, to).forEach(hashes::writeBytes);
        return "{\"origin\":\"" + origin + "\",\"segments\":[{\"from\":" + from + ",\"to\":" + to
                + ",\"entryHashes\":\"" + Base64.getEncoder().encodeToString(hashes.toByteArray())
                + "\",\"checkpoint\":\"" + checkpoint.replace("\n", "\\n") + "\"}]}";
    }

    String checkpoint(long size, byte[] root) throws Exception {
        String text = origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\ntime "
                + Instant.now() + "\n";
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key.getPrivate());
        signer.update(text.getBytes(StandardCharsets.UTF_8));
        byte[] signed = new byte[68];
        System.arraycopy(keyHash(), 0, signed, 0, 4);
        System.arraycopy(signer.sign(), 0, signed, 4, 64);
        return text + "\n\u2014 " + origin + " " + Base64.getEncoder().encodeToString(signed) + "\n";
    }

    byte[] root(int size) throws Exception {
        return size == 0 ? MessageDigest.getInstance("SHA-256").digest() : subtree(0, size);
    }

    private byte[] subtree(int start, int end) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        if (end - start == 1) {
            sha256.update((byte) 0);
            return sha256.digest(entryHashes.get(start));
        }
        int split = Integer.highestOneBit(end - start - 1);
        byte[] left = subtree(start, start + split);
        byte[] right = subtree(start + split, end);
        sha256.update((byte) 1);
        sha256.update(left);
        return sha256.digest(right);
    }

    private byte[] keyHash() throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(origin.getBytes(StandardCharsets.UTF_8));
        sha256.update(new byte[] {0x0A, 0x01});
        return Arrays.copyOf(sha256.digest(publicKey), 4);
    }
}
