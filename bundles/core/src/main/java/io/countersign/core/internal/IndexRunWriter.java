package io.countersign.core.internal;

import static io.countersign.core.internal.IndexRun.BLOCK_BYTES;
import static io.countersign.core.internal.IndexRun.COUNT_OFFSET;
import static io.countersign.core.internal.IndexRun.CRC_OFFSET;
import static io.countersign.core.internal.IndexRun.FENCE_BYTES;
import static io.countersign.core.internal.IndexRun.FOOTER_TAIL_BYTES;
import static io.countersign.core.internal.IndexRun.RECORDS_PER_BLOCK;
import static io.countersign.core.internal.IndexRun.RECORD_BYTES;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Writes one {@link IndexRun} from records given in order. The file is written as {@code <name>.tmp}, forced, and
 * renamed into place atomically, then the directory is forced: a crash leaves either no run or a whole one (and a
 * {@code .tmp} that the next open deletes).
 */
final class IndexRunWriter implements Closeable {

    private final Path directory;
    private final Path temporary;
    private final long coveredFrom;
    private final long coveredTo;
    private final byte[] root;
    private final FileChannel channel;
    private final ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES);
    /** First key of each block, high and low interleaved; 1/256 of the run's size, on the heap while writing. */
    private long[] fences = new long[64];
    private int blocks;
    private int inBlock;
    private long records;
    private long previousHigh;
    private long previousLow;
    private byte previousKind;
    private long previousSeq = -1;
    private boolean finished;

    private IndexRunWriter(Path directory, long coveredFrom, long coveredTo, byte[] root) throws IOException {
        this.directory = directory;
        this.coveredFrom = coveredFrom;
        this.coveredTo = coveredTo;
        this.root = root.clone();
        this.temporary = directory.resolve(IndexRun.fileName(coveredFrom, coveredTo) + ".tmp");
        this.channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    }

    /** A writer for the run covering the entries [coveredFrom, coveredTo), root being MTH(D[0:coveredTo]). */
    static IndexRunWriter create(Path directory, long coveredFrom, long coveredTo, byte[] root) throws IOException {
        if (root.length != IndexRun.ROOT_BYTES || coveredFrom > coveredTo) {
            throw new IllegalArgumentException("run [" + coveredFrom + ", " + coveredTo + ") with a "
                + root.length + "-byte root");
        }
        return new IndexRunWriter(directory, coveredFrom, coveredTo, root);
    }

    /** Appends a record; records must come in (key, kind, seq) order, seqs inside the covered range. */
    void append(long high, long low, byte kind, long seq) throws IOException {
        if (seq < coveredFrom || seq >= coveredTo) {
            throw new IllegalArgumentException("seq " + seq + " outside [" + coveredFrom + ", " + coveredTo + ")");
        }
        if (previousSeq >= 0 && IndexKey.compareRecords(previousHigh, previousLow, previousKind, previousSeq,
                high, low, kind, seq) >= 0) {
            throw new IllegalArgumentException("records out of order or repeated at seq " + seq);
        }
        if (inBlock == 0) {
            startBlock(high, low);
        }
        int at = inBlock * RECORD_BYTES;
        block.putLong(at, high).putLong(at + 8, low).putLong(at + 16, seq).put(at + 24, kind);
        if (++inBlock == RECORDS_PER_BLOCK) {
            endBlock();
        }
        records++;
        previousHigh = high;
        previousLow = low;
        previousKind = kind;
        previousSeq = seq;
    }

    private void startBlock(long high, long low) {
        if (2 * blocks + 2 > fences.length) {
            fences = Arrays.copyOf(fences, fences.length * 2);
        }
        fences[2 * blocks] = high;
        fences[2 * blocks + 1] = low;
        blocks++;
    }

    private void endBlock() throws IOException {
        block.putShort(COUNT_OFFSET, (short) inBlock);
        CRC32C crc = new CRC32C();
        crc.update(block.array(), 0, CRC_OFFSET);
        block.putInt(CRC_OFFSET, (int) crc.getValue());
        block.clear();
        writeFully(block);
        Arrays.fill(block.array(), (byte) 0);
        inBlock = 0;
    }

    /** Writes the footer, makes the run durable under its own name and opens it. */
    IndexRun finish() throws IOException {
        if (inBlock > 0) {
            endBlock();
        }
        ByteBuffer footer = ByteBuffer.allocate(blocks * FENCE_BYTES + FOOTER_TAIL_BYTES);
        for (int i = 0; i < 2 * blocks; i++) {
            footer.putLong(fences[i]);
        }
        footer.putLong(coveredFrom).putLong(coveredTo).put(root).putLong(records).putInt(blocks);
        CRC32C crc = new CRC32C();
        crc.update(footer.array(), 0, footer.position());
        footer.putInt((int) crc.getValue()).put(IndexRun.MAGIC).flip();
        writeFully(footer);
        channel.force(true);
        channel.close();
        Path target = directory.resolve(IndexRun.fileName(coveredFrom, coveredTo));
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(directory);
        finished = true;
        return IndexRun.open(target);
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Makes a rename or deletion in the directory durable; not every platform can open a directory for this. */
    static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open directories; its renames are made durable by the file system itself.
        }
    }

    /** Abandons an unfinished run: its {@code .tmp} is deleted. */
    @Override
    public void close() throws IOException {
        if (!finished) {
            channel.close();
            Files.deleteIfExists(temporary);
        }
    }
}
