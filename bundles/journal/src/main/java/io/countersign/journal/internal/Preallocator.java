package io.countersign.journal.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one zero-filled, fsynced spare file ready so that a segment roll is a rename, not tens of megabytes of
 * writes on the append path. Overwriting allocated blocks is also what makes fdatasync cheap (performance.md §2.1).
 * <p>
 * A spare that cannot be prepared (a full disk) is deleted, so that its part does not hold the space, and
 * {@link #take} fails; the next {@code take} starts preparing it again. Only the rename of a spare into place is
 * final when its directory fsync fails ({@link FsyncFailedException}): the spare itself never holds entries.
 */
final class Preallocator implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Preallocator.class);

    private static final long STEP = 128 * 1024;
    private static final long STEP_PAUSE_MILLIS = 1;

    private final Path directory;
    private final Path spare;
    private final long segmentBytes;
    private final ChannelOpener opener;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "countersign-journal-preallocator");
        thread.setDaemon(true);
        return thread;
    });
    private Future<?> pending;
    private volatile boolean wanted;
    private volatile String problem;

    Preallocator(Path directory, long segmentBytes, ChannelOpener opener) throws IOException {
        this.directory = directory;
        this.spare = directory.resolve(SegmentFiles.SPARE);
        this.segmentBytes = segmentBytes;
        this.opener = opener;
        Files.deleteIfExists(spare);
    }

    void prepareInBackground() {
        pending = executor.submit(() -> {
            try {
                fill();
                problem = null;
            } catch (IOException | RuntimeException e) {
                problem = String.valueOf(e.getMessage() == null ? e : e.getMessage());
                if (!(e instanceof ClosedByInterruptException)) {
                    // an interrupt is the journal closing, not a problem with the disk
                    LOG.warn("Journal spare segment {} cannot be prepared: {}", spare, problem);
                }
                try {
                    Files.deleteIfExists(spare);
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return null;
        });
    }

    /** Why the last attempt to prepare a spare failed, or {@code null} once one has been prepared since. */
    String problem() {
        return problem;
    }

    /** The size of every segment file it prepares. */
    long segmentBytes() {
        return segmentBytes;
    }

    /**
     * Turns the spare into the segment starting at {@code firstSeq}, durably, and starts on the next spare. May be
     * called again after it failed: a segment file already renamed into place holds no entries and is replaced.
     */
    ActiveSegment take(long firstSeq) throws IOException {
        if (pending == null) {
            prepareInBackground();
        }
        wanted = true;
        try {
            awaitSpare();
        } finally {
            wanted = false;
        }
        Path segment = SegmentFiles.path(directory, firstSeq);
        Files.move(spare, segment, StandardCopyOption.ATOMIC_MOVE);
        pending = null;
        SegmentFiles.fsyncDirectory(opener, directory);
        ActiveSegment active = ActiveSegment.open(opener, segment, firstSeq, 0);
        prepareInBackground();
        return active;
    }

    private void awaitSpare() throws IOException {
        try {
            pending.get();
        } catch (ExecutionException e) {
            pending = null;
            throw e.getCause() instanceof IOException io ? io
                    : new IOException("preparing a spare segment failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a spare segment");
        }
    }

    private void fill() throws IOException {
        Files.deleteIfExists(spare);
        Set<StandardOpenOption> create = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (FileChannel channel = opener.open(spare, create)) {
            // The device flush behind every writer fdatasync also flushes whatever this fill wrote since the last one:
            // small forced steps with pauses keep that share small. Once a roll waits for the spare, it goes flat out.
            for (long position = 0; position < segmentBytes; position += STEP) {
                SegmentFiles.writeZeros(channel, position, Math.min(segmentBytes, position + STEP));
                channel.force(false);
                if (!wanted && position + STEP < segmentBytes) {
                    pause();
                }
            }
            channel.force(true);
        }
    }

    private static void pause() throws InterruptedIOException {
        try {
            Thread.sleep(STEP_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while preparing a spare segment");
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
