package io.countersign.ledger.internal;

import io.countersign.journal.testing.ForwardingFileChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** A file channel that can be told to fail its fsyncs, or to fail a positional write halfway through. */
final class FaultyChannel extends ForwardingFileChannel {

    volatile boolean failForces;
    volatile boolean failWritesHalfway;
    final AtomicInteger failures = new AtomicInteger();

    FaultyChannel(FileChannel delegate) {
        super(delegate);
    }

    /** An opener for {@link CheckpointFile} that hands out this kind of channel and remembers the last one. */
    static final class Opener implements CheckpointFile.ChannelOpener {
        volatile FaultyChannel channel;

        @Override
        public FileChannel open(Path path) throws IOException {
            channel = new FaultyChannel(DEFAULT.open(path));
            return channel;
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (failForces) {
            failures.incrementAndGet();
            throw new IOException("simulated EIO on fdatasync");
        }
        delegate.force(metaData);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (failWritesHalfway) {
            failures.incrementAndGet();
            ByteBuffer half = src.duplicate();
            half.limit(src.position() + src.remaining() / 2);
            delegate.write(half, position);
            throw new IOException("simulated ENOSPC halfway through a write");
        }
        return delegate.write(src, position);
    }
}
