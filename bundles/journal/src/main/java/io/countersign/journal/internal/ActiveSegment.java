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

    /** Grows an empty segment for a record larger than any preallocated one; rare, so done inline. */
    void extendTo(long bytes) throws IOException {
        if (bytes > capacity) {
            SegmentFiles.writeZeros(channel, capacity, bytes);
            channel.force(false);
            capacity = bytes;
        }
    }

    void write(ByteBuffer records) throws IOException {
        long position = end;
        while (records.hasRemaining()) {
            position += channel.write(records, position);
        }
        end = position;
    }

    void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
