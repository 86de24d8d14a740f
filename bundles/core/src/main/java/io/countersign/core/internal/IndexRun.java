package io.countersign.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One immutable run file of a {@link RequestIndex}, memory-mapped (docs/restart-design.md §5.4):
 * <pre>
 * records of 32 bytes: key 16 | seq u64 | kind u8 | zero 7, sorted by (key, kind, seq)
 * blocks of 4,096 bytes: 127 records | count u16 | zero | crc u32 (CRC-32C of the block before it)
 * footer: fence keys (first key of each block, 16 bytes each),
 *         coveredFrom u64 | coveredTo u64 | root(coveredTo) 32 | records u64 | blocks u32 | crc u32 | "CSRIDX01"
 * </pre>
 * The footer is checked when the run is opened; a block the first time it is read. Nothing of the file is copied to
 * the heap except one bit per block (whether its CRC was checked). The mapping outlives the file's deletion, so a
 * reader still holding a run that compaction replaced keeps reading it safely; it is released by the collector.
 */
final class IndexRun {

    static final int RECORD_BYTES = 32;
    static final int BLOCK_BYTES = 4096;
    static final int RECORDS_PER_BLOCK = 127;
    static final int COUNT_OFFSET = RECORDS_PER_BLOCK * RECORD_BYTES;
    static final int CRC_OFFSET = BLOCK_BYTES - 4;
    static final int FENCE_BYTES = 16;
    static final int ROOT_BYTES = 32;
    /** coveredFrom, coveredTo, root, records, blocks: the footer fields after the fence keys that its CRC covers. */
    static final int FOOTER_FIELDS_BYTES = 8 + 8 + ROOT_BYTES + 8 + 4;
    static final byte[] MAGIC = "CSRIDX01".getBytes(StandardCharsets.US_ASCII);
    static final int FOOTER_TAIL_BYTES = FOOTER_FIELDS_BYTES + 4 + MAGIC.length;

    private static final Pattern NAME = Pattern.compile("run-(\\d{20})-(\\d{20})\\.bin");
    /** Blocks are mapped in pieces of 1 GiB: one mapping cannot exceed 2 GiB. */
    private static final int BLOCKS_PER_MAPPING = 1 << 18;
    private static final Logger LOG = LoggerFactory.getLogger(IndexRun.class);

    private final Path file;
    private final long coveredFrom;
    private final long coveredTo;
    private final byte[] root;
    private final long records;
    private final int blocks;
    private final ByteBuffer fences;
    private final ByteBuffer[] blockMappings;
    /** One bit per block: its CRC was checked. Lock-free: every lookup of every reader thread consults it. */
    private final AtomicLongArray checked;
    private volatile boolean damaged;

    private IndexRun(Path file, long coveredFrom, long coveredTo, byte[] root, long records, int blocks,
                     ByteBuffer fences, ByteBuffer[] blockMappings) {
        this.file = file;
        this.coveredFrom = coveredFrom;
        this.coveredTo = coveredTo;
        this.root = root;
        this.records = records;
        this.blocks = blocks;
        this.fences = fences;
        this.blockMappings = blockMappings;
        this.checked = new AtomicLongArray((blocks + 63) / 64);
    }

    static String fileName(long from, long to) {
        return String.format("run-%020d-%020d.bin", from, to);
    }

    /** {from, to} of a run file's name, or null if the name is not a run's. */
    static long[] parseName(String name) {
        Matcher matcher = NAME.matcher(name);
        return matcher.matches()
            ? new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))}
            : null;
    }

    /** Maps a run file after checking its size, magic, footer CRC and name; an IOException says what is wrong. */
    static IndexRun open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < FOOTER_TAIL_BYTES) {
                throw new IOException("shorter than a footer (" + size + " bytes)");
            }
            ByteBuffer tail = ByteBuffer.allocate(FOOTER_TAIL_BYTES);
            readFully(channel, tail, size - FOOTER_TAIL_BYTES);
            byte[] magic = Arrays.copyOfRange(tail.array(), FOOTER_TAIL_BYTES - MAGIC.length, FOOTER_TAIL_BYTES);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("no CSRIDX01 magic at its end");
            }
            long coveredFrom = tail.getLong(0);
            long coveredTo = tail.getLong(8);
            byte[] root = Arrays.copyOfRange(tail.array(), 16, 16 + ROOT_BYTES);
            long records = tail.getLong(16 + ROOT_BYTES);
            long blocks = Integer.toUnsignedLong(tail.getInt(24 + ROOT_BYTES));
            int storedCrc = tail.getInt(FOOTER_FIELDS_BYTES);
            long fenceBytes = blocks * FENCE_BYTES;
            if (size != blocks * BLOCK_BYTES + fenceBytes + FOOTER_TAIL_BYTES || fenceBytes > Integer.MAX_VALUE
                || records > blocks * RECORDS_PER_BLOCK || records <= (blocks - 1) * RECORDS_PER_BLOCK && blocks > 0) {
                throw new IOException("size " + size + " does not fit " + records + " records in " + blocks + " blocks");
            }
            ByteBuffer fences = channel.map(FileChannel.MapMode.READ_ONLY, blocks * BLOCK_BYTES, fenceBytes);
            CRC32C crc = new CRC32C();
            crc.update(fences.duplicate());
            crc.update(tail.array(), 0, FOOTER_FIELDS_BYTES);
            if ((int) crc.getValue() != storedCrc) {
                throw new IOException("footer CRC-32C does not match");
            }
            long[] named = parseName(file.getFileName().toString());
            if (named == null || named[0] != coveredFrom || named[1] != coveredTo || coveredFrom > coveredTo) {
                throw new IOException("covers [" + coveredFrom + ", " + coveredTo + "), which its name does not say");
            }
            return new IndexRun(file, coveredFrom, coveredTo, root, records, (int) blocks, fences,
                mapBlocks(channel, (int) blocks));
        }
    }

    private static ByteBuffer[] mapBlocks(FileChannel channel, int blocks) throws IOException {
        ByteBuffer[] mappings = new ByteBuffer[(blocks + BLOCKS_PER_MAPPING - 1) / BLOCKS_PER_MAPPING];
        for (int i = 0; i < mappings.length; i++) {
            long first = (long) i * BLOCKS_PER_MAPPING;
            long count = Math.min(BLOCKS_PER_MAPPING, blocks - first);
            mappings[i] = channel.map(FileChannel.MapMode.READ_ONLY, first * BLOCK_BYTES, count * BLOCK_BYTES);
        }
        return mappings;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("ended early");
            }
        }
        buffer.flip();
    }

    String name() {
        return file.getFileName().toString();
    }

    Path file() {
        return file;
    }

    long coveredFrom() {
        return coveredFrom;
    }

    long coveredTo() {
        return coveredTo;
    }

    byte[] root() {
        return root.clone();
    }

    long records() {
        return records;
    }

    /** True once a block failed its CRC: the file is gone and the run must not be merged. */
    boolean damaged() {
        return damaged;
    }

    /** Adds the seqs of the records with this key and kind. */
    void collect(long high, long low, byte kind, SeqList into) {
        int firstAtOrAfter = firstFenceNotBelow(high, low);
        // The key's records may start in the block before the first fence that is not below the key.
        int block = Math.max(firstAtOrAfter - 1, 0);
        for (; block < blocks; block++) {
            if (block >= firstAtOrAfter && compareFence(block, high, low) > 0) {
                return;
            }
            ByteBuffer records = block(block);
            int count = records.getShort(COUNT_OFFSET) & 0xFFFF;
            for (int i = firstRecordNotBelow(records, count, high, low); i < count; i++) {
                int at = i * RECORD_BYTES;
                if (compareKey(records, at, high, low) > 0) {
                    return;
                }
                if (records.get(at + 24) == kind) {
                    into.add(records.getLong(at + 16));
                }
            }
        }
    }

    private int firstFenceNotBelow(long high, long low) {
        return firstNotBelow(fences, blocks, FENCE_BYTES, high, low);
    }

    private static int firstRecordNotBelow(ByteBuffer records, int count, long high, long low) {
        return firstNotBelow(records, count, RECORD_BYTES, high, low);
    }

    /** Binary search of {@code count} keys at {@code stride} bytes apart for the first one not below the key. */
    private static int firstNotBelow(ByteBuffer keys, int count, int stride, long high, long low) {
        int lowIndex = 0;
        int highIndex = count;
        while (lowIndex < highIndex) {
            int middle = (lowIndex + highIndex) >>> 1;
            if (compareKey(keys, middle * stride, high, low) < 0) {
                lowIndex = middle + 1;
            } else {
                highIndex = middle;
            }
        }
        return lowIndex;
    }

    private int compareFence(int block, long high, long low) {
        return compareKey(fences, block * FENCE_BYTES, high, low);
    }

    private static int compareKey(ByteBuffer keys, int at, long high, long low) {
        return IndexKey.compare(keys.getLong(at), keys.getLong(at + 8), high, low);
    }

    /** Reads every record in file order (for a merge), checking each block. */
    Cursor cursor() {
        return new Cursor();
    }

    /** The block's 4,096 bytes, its CRC checked on first use. */
    private ByteBuffer block(int block) {
        ByteBuffer mapping = blockMappings[block / BLOCKS_PER_MAPPING];
        ByteBuffer bytes = mapping.slice((block % BLOCKS_PER_MAPPING) * BLOCK_BYTES, BLOCK_BYTES);
        long bit = 1L << block;
        if ((checked.get(block >>> 6) & bit) != 0) {
            return bytes;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.slice(0, CRC_OFFSET));
        if ((int) crc.getValue() != bytes.getInt(CRC_OFFSET)
            || (bytes.getShort(COUNT_OFFSET) & 0xFFFF) > RECORDS_PER_BLOCK) {
            throw damage(block);
        }
        checked.getAndAccumulate(block >>> 6, bit, (bits, added) -> bits | added);
        return bytes;
    }

    /**
     * A damaged run is deleted so that the next open ends the chain of runs before it and its range is indexed
     * again from the journal; this process keeps failing lookups that need the block, which fall back to the journal.
     */
    private IllegalStateException damage(int block) {
        String message = "index run " + file + ": block " + block + " fails its CRC-32C";
        if (!damaged) {
            damaged = true;
            LOG.warn("{}; deleting the run, its range [{}, {}) is indexed again at the next start",
                message, coveredFrom, coveredTo);
            delete();
        }
        return new IllegalStateException(message);
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete index run {}: {}", file, e.toString());
        }
    }

    @Override
    public String toString() {
        return name();
    }

    /** Iterates the records of a run in order. */
    final class Cursor {
        private int block = -1;
        private int index;
        private int count;
        private ByteBuffer records;
        long high;
        long low;
        byte kind;
        long seq;

        /** Moves to the next record; false at the end. */
        boolean next() {
            while (index >= count) {
                if (block + 1 >= blocks) {
                    return false;
                }
                records = block(++block);
                count = records.getShort(COUNT_OFFSET) & 0xFFFF;
                index = 0;
            }
            int at = index++ * RECORD_BYTES;
            high = records.getLong(at);
            low = records.getLong(at + 8);
            seq = records.getLong(at + 16);
            kind = records.get(at + 24);
            return true;
        }
    }
}
