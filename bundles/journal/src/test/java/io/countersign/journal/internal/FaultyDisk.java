package io.countersign.journal.internal;

import io.countersign.journal.testing.ForwardingFileChannel;
import java.io.IOException;
import java.nio.channels.FileChannel;
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
        return path.getFileName().toString().matches("segment-.*\\.log") ? new Channel(channel) : channel;
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

    private final class Channel extends ForwardingFileChannel {

        Channel(FileChannel delegate) {
            super(delegate);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            FaultyDisk.this.force();
            delegate.force(metaData);
        }
    }
}
