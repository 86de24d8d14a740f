package io.countersign.core.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 16-byte key of a {@link RequestIndex} record, held as two longs: the first 16 bytes of SHA-256 of the key
 * string's UTF-8. Records sort by key (unsigned, byte order), then kind, then seq.
 */
record IndexKey(long high, long low) {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(IndexKey::sha256);

    static IndexKey of(String key) {
        ByteBuffer digest = ByteBuffer.wrap(SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
        return new IndexKey(digest.getLong(), digest.getLong());
    }

    /** Orders keys as their big-endian bytes compare, which is how the run files are sorted. */
    static int compare(long high, long low, long otherHigh, long otherLow) {
        int byHigh = Long.compareUnsigned(high, otherHigh);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(low, otherLow);
    }

    /** Orders whole records: key, then kind, then seq. */
    static int compareRecords(long high, long low, byte kind, long seq,
                              long otherHigh, long otherLow, byte otherKind, long otherSeq) {
        int byKey = compare(high, low, otherHigh, otherLow);
        if (byKey != 0) {
            return byKey;
        }
        return kind != otherKind ? Byte.compare(kind, otherKind) : Long.compare(seq, otherSeq);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
