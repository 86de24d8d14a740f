package io.countersign.journal.internal;

import io.countersign.journal.testing.ForwardingFileChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChannelOpener} for a disk that fills up. While {@link #fill}ed, a write to a file whose name starts with one
 * of the given prefixes writes part of what it was given, as a write that runs out of space part way does, and then
 * fails with ENOSPC's message; {@link #free} makes room again. Forces can be made to fail too, like EIO on fdatasync.
 */
final class FullDisk implements ChannelOpener {

    static final String ENOSPC = "No space left on device";

    final AtomicInteger refusedWrites = new AtomicInteger();
    final AtomicInteger segmentWrites = new AtomicInteger();
    final AtomicInteger forcesWhileFailing = new AtomicInteger();
    final AtomicBoolean failSegmentForces = new AtomicBoolean();
    private volatile Set<String> full = Set.of();

    /** From now on writes to files named with one of {@code prefixes} fail (after writing part of their bytes). */
    void fill(String... prefixes) {
        full = Set.of(prefixes);
    }

    void free() {
        full = Set.of();
    }

    @Override
    public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
        return new Channel(FileChannel.open(path, options), path.getFileName().toString());
    }

    private boolean isFull(String name) {
        for (String prefix : full) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private final class Channel extends ForwardingFileChannel {

        private final String name;

        Channel(FileChannel delegate, String name) {
            super(delegate);
            this.name = name;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (!isFull(name)) {
                if (name.startsWith("segment-") && name.endsWith(".log")) {
                    segmentWrites.incrementAndGet();
                }
                return delegate.write(src, position);
            }
            refusedWrites.incrementAndGet();
            int part = src.remaining() / 2;
            if (part > 0) {
                ByteBuffer half = src.slice(src.position(), part);
                delegate.write(half, position);
            }
            throw new IOException(ENOSPC);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (isFull(name)) {
                refusedWrites.incrementAndGet();
                throw new IOException(ENOSPC);
            }
            return delegate.write(src);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (name.startsWith("segment-") && name.endsWith(".log") && failSegmentForces.get()) {
                forcesWhileFailing.incrementAndGet();
                throw new IOException("simulated EIO on fdatasync");
            }
            delegate.force(metaData);
        }
    }
}
