package io.countersign.chaincode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
 * A log written by the test, the way Countersign's journal and checkpointer write theirs: entry hashes, RFC 9162
 * roots computed recursively (independently of {@link Frontier}), and checkpoints signed as C2SP notes.
 */
final class TestLog {

    final String origin;
    final List<byte[]> entryHashes = new ArrayList<>();
    final List<Key> keys = new ArrayList<>();

    record Key(KeyPair pair, byte[] publicKey, String keyId, Instant createdAt, Instant retiredAt) {
    }

    TestLog(String origin) {
        this.origin = origin;
    }

    Key newKey(Instant createdAt) throws GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] encoded = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        Key key = new Key(pair, raw, HexFormat.of().formatHex(LogKeys.keyHash(origin, raw)), createdAt, null);
        keys.add(key);
        return key;
    }

    Key retire(Key key, Instant retiredAt) {
        Key retired = new Key(key.pair(), key.publicKey(), key.keyId(), key.createdAt(), retiredAt);
        keys.set(keys.indexOf(key), retired);
        return retired;
    }

    String listing() {
        StringBuilder json = new StringBuilder("{\"origin\":\"" + origin + "\",\"keys\":[");
        for (int i = 0; i < keys.size(); i++) {
            json.append(i == 0 ? "" : ",").append(keyJson(keys.get(i)));
        }
        return json.append("]}").toString();
    }

    String keyJson(Key key) {
        return "{\"keyId\":\"" + key.keyId() + "\",\"name\":\"" + origin + "\",\"algorithm\":\"Ed25519\","
                + "\"publicKey\":\"" + Base64.getEncoder().encodeToString(key.publicKey()) + "\",\"createdAt\":\""
                + key.createdAt() + "\"" + (key.retiredAt() == null ? "" : ",\"retiredAt\":\"" + key.retiredAt() + "\"")
                + "}";
    }

    void append(int count) {
        for (int i = 0; i < count; i++) {
            entryHashes.add(LogKeys.sha256().digest(("entry " + entryHashes.size()).getBytes(StandardCharsets.UTF_8)));
        }
    }

    byte[] root(int size) {
        return size == 0 ? LogKeys.sha256().digest() : mth(0, size);
    }

    private byte[] mth(int start, int end) {
        MessageDigest sha256 = LogKeys.sha256();
        if (end - start == 1) {
            sha256.update((byte) 0);
            return sha256.digest(entryHashes.get(start));
        }
        int split = Integer.highestOneBit(end - start - 1);
        byte[] left = mth(start, start + split);
        byte[] right = mth(start + split, end);
        sha256.update((byte) 1);
        sha256.update(left);
        return sha256.digest(right);
    }

    String checkpoint(int size, Instant time, Key key) throws GeneralSecurityException {
        return checkpoint(origin, size, root(size), time, key);
    }

    String checkpoint(String noteOrigin, long size, byte[] root, Instant time, Key key)
            throws GeneralSecurityException {
        String text = noteOrigin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\ntime " + time
                + "\n";
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key.pair().getPrivate());
        signer.update(text.getBytes(StandardCharsets.UTF_8));
        byte[] signature = signer.sign();
        byte[] signed = new byte[68];
        System.arraycopy(LogKeys.keyHash(origin, key.publicKey()), 0, signed, 0, 4);
        System.arraycopy(signature, 0, signed, 4, 64);
        return text + "\n\u2014 " + origin + " " + Base64.getEncoder().encodeToString(signed) + "\n";
    }

    String hashes(int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            bytes.writeBytes(entryHashes.get(i));
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    String segment(int from, int to, String checkpoint) {
        return "{\"from\":" + from + ",\"to\":" + to + ",\"entryHashes\":\"" + hashes(from, to)
                + "\",\"checkpoint\":" + quoted(checkpoint) + "}";
    }

    String batch(String... segments) {
        return "{\"origin\":\"" + origin + "\",\"segments\":[" + String.join(",", segments) + "]}";
    }

    static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
