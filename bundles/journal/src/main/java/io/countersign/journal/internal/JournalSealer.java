package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the journal's seal and closed segments' index files on its own thread, so that the writer does no I/O for
 * them: it hands over seal points through a one-slot reference (the newest wins) and closed segments' positions
 * through a queue. A seal is written only after the tree nodes it vouches for are forced to disk, and only for a
 * durable prefix. A failure is logged and the next seal point tried; it never affects appends.
 */
final class JournalSealer implements SparseIndex.ClosedSegments {

    private static final Logger LOG = LoggerFactory.getLogger(JournalSealer.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record ClosedSegment(long firstSeq, long[] pairs) {
    }

    private final Path directory;
    private final ChannelOpener opener;
    private final MerkleTree tree;
    private final AtomicReference<SealPoint> nextPoint = new AtomicReference<>();
    private final Queue<ClosedSegment> closedSegments = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stopping;
    private long sealedSize;

    JournalSealer(Path directory, ChannelOpener opener, MerkleTree tree, long sealedSize) {
        this.directory = directory;
        this.opener = opener;
        this.tree = tree;
        this.sealedSize = sealedSize;
        this.thread = new Thread(this::run, "countersign-journal-sealer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks for a seal at {@code point}, replacing one not yet written. Writer thread: no I/O. */
    void offer(SealPoint point) {
        nextPoint.set(point);
        LockSupport.unpark(thread);
    }

    @Override
    public void closed(long firstSeq, long[] pairs) {
        closedSegments.add(new ClosedSegment(firstSeq, pairs));
        LockSupport.unpark(thread);
    }

    /** Stops the thread, writes what is pending and then the seal of {@code finalPoint} (if any), here and now. */
    void close(SealPoint finalPoint) {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The journal sealer did not stop within 30 s; the journal is closed without a final seal");
            return;
        }
        if (finalPoint != null) {
            nextPoint.set(finalPoint);
        }
        work();
    }

    /** How many entries the newest seal written covers. */
    synchronized long sealedSize() {
        return sealedSize;
    }

    private void run() {
        while (!stopping) {
            work();
            if (nextPoint.get() == null && closedSegments.isEmpty() && !stopping) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            }
        }
    }

    private synchronized void work() {
        for (ClosedSegment segment; (segment = closedSegments.poll()) != null; ) {
            writeIndex(segment);
        }
        SealPoint point = nextPoint.getAndSet(null);
        if (point != null && point.size() > sealedSize) {
            seal(point);
        }
    }

    private void seal(SealPoint point) {
        try {
            tree.force();
            Seal seal = Seal.of(point, tree.root(point.size()));
            seal.write(opener, directory.resolve(Seal.FILE), Seal.MAGIC);
            sealedSize = point.size();
            LOG.debug("Journal {} sealed at {} entries", directory, point.size());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Sealing journal {} at {} entries failed; the next seal point tries again (a restart verifies"
                    + " more of the journal until then): {}", directory, point.size(), e.toString());
        }
    }

    private void writeIndex(ClosedSegment segment) {
        Path file = SegmentIndexFile.path(directory, segment.firstSeq());
        try {
            byte[] content = SegmentIndexFile.encode(segment.pairs());
            if (!Arrays.equals(DerivedFile.readIfPresent(file), content)) {
                SegmentIndexFile.write(opener, directory, segment.firstSeq(), content);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Writing journal index file {} failed; the segment is scanned when it is read: {}", file,
                    e.toString());
        }
    }
}
