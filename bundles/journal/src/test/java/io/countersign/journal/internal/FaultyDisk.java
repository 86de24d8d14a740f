package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link ChannelOpener} whose segment files can be told to fail or to stall on force. */
final class FaultyDisk implements ChannelOpener, AutoCloseable {

    final AtomicBoolean failForce = new AtomicBoolean();
    final AtomicInteger forcesWhileFailing = new AtomicInteger();
    final AtomicInteger forces = new AtomicInteger();
    private volatile Semaphore gate;
    private final Semaphore arrivals = new Semaphore(0);

    @Override
    public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
        FileChannel channel = FileChannel.open(path, options);
        return path.getFileName().toString().startsWith("segment-") ? new Channel(channel) : channel;
    }

    /** From now on every segment force waits for a {@link #release} permit. */
    void holdForces() {
        gate = new Semaphore(0);
    }

    /** Waits until a segment force has arrived at the hold. */
    void awaitForceHeld() throws InterruptedException {
        arrivals.acquire();
    }

    void release(int forces) {
        gate.release(forces);
    }

    /** Lets every held and later force through; safe to call when nothing is held. */
    void releaseAll() {
        Semaphore held = gate;
        gate = null;
        if (held != null) {
            held.release(Integer.MAX_VALUE / 2);
        }
    }

    @Override
    public void close() {
        releaseAll();
    }

    private void force() throws IOException {
        forces.incrementAndGet();
        Semaphore held = gate;
        if (held != null) {
            arrivals.release();
            held.acquireUninterruptibly();
        }
        if (failForce.get()) {
            forcesWhileFailing.incrementAndGet();
            throw new IOException("simulated EIO on fdatasync");
        }
    }

    private final class Channel extends FileChannel {

        private final FileChannel delegate;

        Channel(FileChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            FaultyDisk.this.force();
            delegate.force(metaData);
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
        public int write(ByteBuffer src, long position) throws IOException {
            return delegate.write(src, position);
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
}
