package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * {@code segment-<20 digits>.idx}: where a closed segment's first record and every {@value SparseIndex#INTERVAL}th
 * seq lie, so that reads need not scan the segment. Layout (big-endian): {@code (seq u64, offset u64)} pairs, then
 * {@code count u32} and the CRC-32C of everything before it. Offsets are given as one array of pairs
 * {@code [seq0, offset0, seq1, offset1, …]}.
 */
final class SegmentIndexFile {

    private static final int PAIR_BYTES = 16;
    private static final int TRAILER_BYTES = 4 + DerivedFile.CRC_BYTES;
    private static final int SCAN_BUFFER_BYTES = 1024 * 1024;

    /** The positions a scan found, and whether it reached the end of the segment's data. */
    record Scan(long[] pairs, boolean complete) {
    }

    private SegmentIndexFile() {
    }

    static Path path(Path directory, long firstSeq) {
        return directory.resolve(String.format("segment-%020d.idx", firstSeq));
    }

    /** Whether {@code seq} at {@code offset} is a position the index keeps. */
    static boolean keeps(long seq, long offset) {
        return offset == 0 || seq % SparseIndex.INTERVAL == 0;
    }

    static byte[] encode(long[] pairs) {
        ByteBuffer out = ByteBuffer.allocate(pairs.length * Long.BYTES + TRAILER_BYTES);
        for (long value : pairs) {
            out.putLong(value);
        }
        out.putInt(pairs.length / 2);
        return DerivedFile.sealWithCrc(out).array();
    }

    static void write(ChannelOpener opener, Path directory, long firstSeq, byte[] encoded) throws IOException {
        DerivedFile.writeAtomically(opener, path(directory, firstSeq), ByteBuffer.wrap(encoded));
    }

    /**
     * The pairs of the segment starting at {@code firstSeq}, whose successor starts at {@code nextFirstSeq} (or
     * null), or null when there is no index file. Only its shape is checked here; whether its offsets hold the seqs
     * it names is checked by the reader that uses them.
     */
    static long[] read(Path directory, long firstSeq, Long nextFirstSeq) throws IOException, DerivedFile.Unusable {
        byte[] bytes = DerivedFile.readIfPresent(path(directory, firstSeq));
        if (bytes == null) {
            return null;
        }
        if (bytes.length < PAIR_BYTES + TRAILER_BYTES || (bytes.length - TRAILER_BYTES) % PAIR_BYTES != 0) {
            throw new DerivedFile.Unusable("its length " + bytes.length + " is not a whole number of entries");
        }
        if (!DerivedFile.crcHolds(bytes)) {
            throw new DerivedFile.Unusable("its CRC-32C does not match its content");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int count = (bytes.length - TRAILER_BYTES) / PAIR_BYTES;
        if (in.getInt(count * PAIR_BYTES) != count) {
            throw new DerivedFile.Unusable("its count does not match its length");
        }
        long[] pairs = new long[2 * count];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = in.getLong();
        }
        if (pairs[0] != firstSeq || pairs[1] != 0) {
            throw new DerivedFile.Unusable("it starts at seq " + pairs[0] + ", offset " + pairs[1] + ", not at seq "
                    + firstSeq + ", offset 0");
        }
        for (int i = 2; i < pairs.length; i += 2) {
            if (pairs[i] <= pairs[i - 2] || pairs[i] % SparseIndex.INTERVAL != 0 || pairs[i + 1] <= pairs[i - 1]) {
                throw new DerivedFile.Unusable("its positions do not ascend on the " + SparseIndex.INTERVAL
                        + "-entry grid at entry " + i / 2);
            }
        }
        if (nextFirstSeq != null && pairs[pairs.length - 2] >= nextFirstSeq) {
            throw new DerivedFile.Unusable("it names seq " + pairs[pairs.length - 2] + ", which the next segment holds");
        }
        return pairs;
    }

    /**
     * Finds the positions by walking the segment's records (their CRCs, not their content) from offset 0 until the end
     * of its data, damage, or {@code endOffset}.
     */
    static Scan scan(Path segment, long firstSeq, long endOffset) throws IOException {
        long[] pairs = new long[64];
        int length = 0;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            SegmentCursor cursor = new SegmentCursor(channel, 0, SCAN_BUFFER_BYTES);
            for (long seq = firstSeq; cursor.offset() < endOffset; seq++) {
                SegmentCursor.Step step = cursor.next();
                if (step != SegmentCursor.Step.RECORD) {
                    return new Scan(Arrays.copyOf(pairs, length), step == SegmentCursor.Step.END);
                }
                if (keeps(seq, cursor.recordOffset())) {
                    if (length == pairs.length) {
                        pairs = Arrays.copyOf(pairs, 2 * length);
                    }
                    pairs[length++] = seq;
                    pairs[length++] = cursor.recordOffset();
                }
            }
        }
        return new Scan(Arrays.copyOf(pairs, length), false);
    }

    /** The index of the pair with the greatest seq at or before {@code seq}, or -1. */
    static int floor(long[] pairs, int length, long seq) {
        int low = 0;
        int high = length / 2 - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (pairs[2 * mid] <= seq) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }
}
