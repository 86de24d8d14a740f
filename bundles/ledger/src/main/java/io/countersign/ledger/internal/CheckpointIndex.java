package io.countersign.ledger.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code checkpoints.idx}: where each line of {@code checkpoints.log} starts and the size of its checkpoint, 16 bytes a
 * line ({@code size u64 | offset u64}, big-endian), so that opening the log reads its last line instead of all of them
 * and the heap does not grow with uptime (one line a second is 86,400 a day). Derived data: it is not fsynced, it is
 * checked against the log before it is trusted, and it is rebuilt from the log whenever it disagrees.
 */
final class CheckpointIndex implements AutoCloseable {

    static final String NAME = "checkpoints.idx";
    static final int RECORD_BYTES = 16;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer record = ByteBuffer.allocate(RECORD_BYTES);
    private long count;

    private CheckpointIndex(Path path, FileChannel channel, long count) {
        this.path = path;
        this.channel = channel;
        this.count = count;
    }

    static CheckpointIndex open(Path directory) throws IOException {
        Path path = directory.resolve(NAME);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        // A record cut short by a crash is dropped: whole records only.
        return new CheckpointIndex(path, channel, channel.size() / RECORD_BYTES);
    }

    Path path() {
        return path;
    }

    long count() {
        return count;
    }

    long size(long line) throws IOException {
        return read(line, 0);
    }

    long offset(long line) throws IOException {
        return read(line, 8);
    }

    private long read(long line, int field) throws IOException {
        if (line < 0 || line >= count) {
            throw new IndexOutOfBoundsException("line " + line + " of " + count);
        }
        record.clear();
        long position = line * RECORD_BYTES;
        while (record.hasRemaining()) {
            if (channel.read(record, position + record.position()) < 0) {
                throw new IOException(path + " shrank while being read");
            }
        }
        return record.getLong(field);
    }

    void append(long size, long offset) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(RECORD_BYTES).putLong(size).putLong(offset).flip();
        long position = count * RECORD_BYTES;
        while (bytes.hasRemaining()) {
            channel.write(bytes, position + bytes.position());
        }
        count++;
    }

    /** Keeps the first {@code lines} records. */
    void truncate(long lines) throws IOException {
        channel.truncate(lines * RECORD_BYTES);
        count = lines;
    }

    /**
     * The first line whose size is at least {@code size}, or {@link #count()} if none: a binary search over the
     * records, which are in ascending size because the log's lines are.
     */
    long firstAtLeast(long size) throws IOException {
        long low = 0;
        long high = count;
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (size(middle) < size) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
