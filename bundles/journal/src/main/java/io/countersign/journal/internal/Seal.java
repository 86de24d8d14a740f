package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * A verified journal prefix {@code [0, size)}: its Merkle root, its last entry and where that entry lies. Written as
 * {@code seal.bin} by the sealer, so that an open verifies only what follows it, and as {@code scrub.bin} by the
 * scrubber, for how far it got. Layout (big-endian, 160 bytes): magic, version, size, root, lastHash, lastTime
 * (seconds, nanos), segmentFirstSeq, lastRecordOffset, segmentEnd, nodes, 28 reserved zero bytes, CRC-32C.
 *
 * @param size S: entries 0 … S−1 are covered (at least 1)
 * @param root MTH(D[0:S])
 * @param lastHash the raw entry hash of seq S−1
 * @param lastTime the {@code time} of seq S−1
 * @param segmentFirstSeq the segment holding seq S−1
 * @param lastRecordOffset where the record of seq S−1 starts in it
 * @param segmentEnd where the record after it starts
 * @param nodes 2S − popcount(S): the prefix of {@code merkle/nodes.bin} that was forced to disk before this was written
 */
record Seal(long size, byte[] root, byte[] lastHash, Instant lastTime, long segmentFirstSeq, long lastRecordOffset,
            long segmentEnd, long nodes) {

    static final String FILE = "seal.bin";
    static final String MAGIC = "CSJSEAL1";
    static final String SCRUB_FILE = "scrub.bin";
    static final String SCRUB_MAGIC = "CSJSCRB1";

    private static final int VERSION = 1;
    private static final int BYTES = 160;
    private static final int RESERVED_BYTES = 28;

    Seal {
        if (size < 1 || root.length != TreeHasher.HASH_BYTES || lastHash.length != TreeHasher.HASH_BYTES) {
            throw new IllegalArgumentException("a seal covers at least one entry and holds two 32-byte hashes");
        }
    }

    /** The seal of the journal's first {@code point.size()} entries, whose tree root is {@code root}. */
    static Seal of(SealPoint point, byte[] root) {
        return new Seal(point.size(), root, EntryCodec.hashBytes(point.lastHash()), point.lastTime(),
                point.segmentFirstSeq(), point.lastRecordOffset(), point.segmentEnd(), nodesOf(point.size()));
    }

    /** How many hashes {@code merkle/nodes.bin} holds for a tree of {@code size} leaves. */
    static long nodesOf(long size) {
        return 2 * size - Long.bitCount(size);
    }

    String lastHashText() {
        return EntryCodec.hashText(lastHash);
    }

    /** Reads {@code file}: null when there is none; {@link DerivedFile.Unusable} saying why it cannot be used. */
    static Seal read(Path file, String magic) throws IOException, DerivedFile.Unusable {
        byte[] bytes = DerivedFile.readIfPresent(file);
        if (bytes == null) {
            return null;
        }
        if (bytes.length != BYTES) {
            throw new DerivedFile.Unusable("it has " + bytes.length + " bytes, not " + BYTES);
        }
        if (!DerivedFile.crcHolds(bytes)) {
            throw new DerivedFile.Unusable("its CRC-32C does not match its content");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] readMagic = new byte[magic.length()];
        in.get(readMagic);
        if (!magic.equals(new String(readMagic, StandardCharsets.US_ASCII))) {
            throw new DerivedFile.Unusable("it does not start with " + magic);
        }
        int version = in.getInt();
        if (version != VERSION) {
            throw new DerivedFile.Unusable("its format version " + version + " is not " + VERSION);
        }
        long size = in.getLong();
        byte[] root = new byte[TreeHasher.HASH_BYTES];
        in.get(root);
        byte[] lastHash = new byte[TreeHasher.HASH_BYTES];
        in.get(lastHash);
        long seconds = in.getLong();
        long nanos = Integer.toUnsignedLong(in.getInt());
        long segmentFirstSeq = in.getLong();
        long lastRecordOffset = in.getLong();
        long segmentEnd = in.getLong();
        long nodes = in.getLong();
        if (size < 1 || nanos > 999_999_999 || segmentFirstSeq < 0 || segmentFirstSeq >= size || lastRecordOffset < 0
                || segmentEnd <= lastRecordOffset || nodes != nodesOf(size)) {
            throw new DerivedFile.Unusable("its fields are inconsistent (size " + size + ", segment " + segmentFirstSeq
                    + ", record at " + lastRecordOffset + ", end " + segmentEnd + ", nodes " + nodes + ")");
        }
        return new Seal(size, root, lastHash, Instant.ofEpochSecond(seconds, nanos), segmentFirstSeq, lastRecordOffset,
                segmentEnd, nodes);
    }

    void write(ChannelOpener opener, Path file, String magic) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(BYTES);
        out.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(VERSION).putLong(size).put(root).put(lastHash)
                .putLong(lastTime.getEpochSecond()).putInt(lastTime.getNano()).putLong(segmentFirstSeq)
                .putLong(lastRecordOffset).putLong(segmentEnd).putLong(nodes).put(new byte[RESERVED_BYTES]);
        DerivedFile.writeAtomically(opener, file, DerivedFile.sealWithCrc(out));
    }

    @Override
    public String toString() {
        return "seal of " + size + " entries (root " + EntryCodec.hashText(root) + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Seal that && size == that.size && Arrays.equals(root, that.root)
                && Arrays.equals(lastHash, that.lastHash) && lastTime.equals(that.lastTime)
                && segmentFirstSeq == that.segmentFirstSeq && lastRecordOffset == that.lastRecordOffset
                && segmentEnd == that.segmentEnd;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 + Arrays.hashCode(root);
    }
}
