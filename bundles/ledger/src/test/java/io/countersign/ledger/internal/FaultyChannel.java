package io.countersign.ledger.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** A file channel that can be told to fail its fsyncs, or to fail a positional write halfway through. */
final class FaultyChannel extends FileChannel {

    volatile boolean failForces;
    volatile boolean failWritesHalfway;
    final AtomicInteger failures = new AtomicInteger();

    private final FileChannel delegate;

    FaultyChannel(FileChannel delegate) {
        this.delegate = delegate;
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

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return delegate.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return delegate.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        delegate.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
