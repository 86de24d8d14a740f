package io.countersign.journal.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** The segment the writer appends to: records go at {@link #end()}, within the preallocated capacity. */
final class ActiveSegment implements Closeable {

    private final Path path;
    private final long firstSeq;
    private final FileChannel channel;
    private long capacity;
    private long end;

    private ActiveSegment(Path path, long firstSeq, FileChannel channel, long capacity, long end) {
        this.path = path;
        this.firstSeq = firstSeq;
        this.channel = channel;
        this.capacity = capacity;
        this.end = end;
    }

    static ActiveSegment open(ChannelOpener opener, Path path, long firstSeq, long end) throws IOException {
        FileChannel channel = opener.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        try {
            return new ActiveSegment(path, firstSeq, channel, channel.size(), end);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    long firstSeq() {
        return firstSeq;
    }

    long end() {
        return end;
    }

    long room() {
        return capacity - end;
    }

    boolean isEmpty() {
        return end == 0;
    }

    /**
     * Grows an empty segment for a record larger than any preallocated one; rare, so done inline. A failed write
     * leaves the capacity as it was (the zeros written are harmless), so it can be called again; a failed fsync is
     * final ({@link FsyncFailedException}).
     */
    void extendTo(long bytes) throws IOException {
        if (bytes > capacity) {
            SegmentFiles.writeZeros(channel, capacity, bytes);
            force();
            capacity = bytes;
        }
    }

    /**
     * Writes {@code records} at {@link #end()} and moves the end past them. If the write fails, the end stays where it
     * was, so writing the same records again puts them at the same place, over whatever part of them was written.
     */
    void write(ByteBuffer records) throws IOException {
        long position = end;
        while (records.hasRemaining()) {
            position += channel.write(records, position);
        }
        end = position;
    }

    /** Makes everything written durable; a failure is final ({@link FsyncFailedException}). */
    void force() throws IOException {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new FsyncFailedException("segment " + path, e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
