package io.countersign.journal.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NavigableMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-verifies, in the background, the sealed prefix that a sealed open did not read: the same checks as recovery
 * (CRC, canonical form, chain, seq, time, zeros after the data) without changing the segments, and every leaf and
 * node recomputed and compared with {@code merkle/nodes.bin}; the recomputed root must be the seal's. How far it got
 * is kept in {@code scrub.bin} (a {@link Seal} of the verified prefix), so a restart goes on from there.
 * <p>
 * Damage in the entries fails the journal (the {@code onDamage} callback: later appends are refused and the node is
 * not ready). Nodes that differ while the entries hash to the sealed root are only a damaged cache: they are
 * rewritten in a second pass.
 */
final class JournalScrubber {

    private static final Logger LOG = LoggerFactory.getLogger(JournalScrubber.class);
    private static final long PROGRESS_EVERY_ENTRIES = 100_000;
    private static final int PACE_EVERY_ENTRIES = 256;

    private final Path directory;
    private final ChannelOpener opener;
    private final MerkleTree tree;
    private final Seal sealed;
    private final Seal verifiedAtOpen;
    private final long entriesPerSecond;
    private final java.time.Duration delay;
    private final Consumer<CorruptJournalException> onDamage;
    private final Thread thread;
    private volatile boolean done;

    /**
     * @param sealed the prefix the open did not verify, or null when it verified everything
     * @param verifiedAtOpen the journal as the open left it, all verified once {@code sealed} is
     */
    JournalScrubber(Path directory, ChannelOpener opener, MerkleTree tree, Seal sealed, Seal verifiedAtOpen,
                    long entriesPerSecond, java.time.Duration delay, Consumer<CorruptJournalException> onDamage) {
        this.directory = directory;
        this.opener = opener;
        this.tree = tree;
        this.sealed = sealed;
        this.verifiedAtOpen = verifiedAtOpen;
        this.entriesPerSecond = entriesPerSecond;
        this.delay = delay;
        this.onDamage = onDamage;
        this.thread = new Thread(this::run, "countersign-journal-scrub");
        this.thread.setDaemon(true);
        this.thread.setPriority(Thread.MIN_PRIORITY);
    }

    void start() {
        thread.start();
    }

    /** Whether the scrub of this open has finished (whatever it found). */
    boolean isDone() {
        return done;
    }

    void stop() {
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            if (sealed != null) {
                NavigableMap<Long, Path> segments = SegmentFiles.list(directory);
                Seal from = progress(segments);
                if (from == null || from.size() < sealed.size()) {
                    if (!scrub(from, segments)) {
                        return;
                    }
                }
            }
            if (verifiedAtOpen != null) {
                verifiedAtOpen.write(opener, directory.resolve(Seal.SCRUB_FILE), Seal.SCRUB_MAGIC);
            }
        } catch (InterruptedException e) {
            LOG.debug("Journal scrub stopped before it began; it begins at the next start");
        } catch (IOException | RuntimeException e) {
            if (stoppedBy(e)) {
                LOG.debug("Journal scrub stopped; it goes on from its last progress at the next start");
            } else {
                LOG.warn("Journal scrub of {} could not run ({}); it is tried again at the next start", directory,
                        e.toString());
            }
        } finally {
            done = true;
        }
    }

    /** Whether the failure is the journal closing: an interrupt closes the channel in use, an fsync then fails. */
    private static boolean stoppedBy(Exception e) {
        return e instanceof InterruptedIOException || e instanceof ClosedByInterruptException
                || e.getCause() instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted();
    }

    /** The progress of earlier scrubs, if it still describes this journal. */
    private Seal progress(NavigableMap<Long, Path> segments) throws IOException {
        Path file = directory.resolve(Seal.SCRUB_FILE);
        try {
            Seal progress = Seal.read(file, Seal.SCRUB_MAGIC);
            if (progress != null) {
                SealCheck.check(progress, segments, tree);
            }
            return progress;
        } catch (DerivedFile.Unusable e) {
            LOG.warn("Journal scrub progress {} is not used ({}); the scrub starts from seq 0", file, e.getMessage());
            return null;
        }
    }

    /** Returns false when damage was found (and reported). */
    private boolean scrub(Seal from, NavigableMap<Long, Path> segments) throws IOException {
        long start = from == null ? 0 : from.size();
        LOG.info("Journal scrub of {} verifies seq {} to {} in the background", directory, start, sealed.size() - 1);
        try {
            MerkleTree.Check check = pass(from, segments, false);
            if (!Arrays.equals(check.root(), sealed.root())) {
                throw new CorruptJournalException("the journal's entries " + start + " to " + (sealed.size() - 1)
                        + " do not hash to the Merkle root sealed for them (" + sealed + "): entries were rewritten");
            }
            if (check.differing() > 0) {
                LOG.warn("Journal {}: {} stored Merkle tree nodes of seq {} to {} in {}/{} were wrong while the"
                        + " entries are the sealed ones; rewriting them", directory, check.differing(), start,
                        sealed.size() - 1, MerkleTree.DIRECTORY, MerkleTree.FILE);
                pass(from, segments, true);
            }
            LOG.info("Journal scrub of {} found seq {} to {} intact", directory, start, sealed.size() - 1);
            return true;
        } catch (CorruptJournalException e) {
            LOG.error("Journal scrub found damage: {}. The journal refuses every further append until it is"
                    + " repaired and reopened", e.damage());
            onDamage.accept(e);
            return false;
        }
    }

    private MerkleTree.Check pass(Seal from, NavigableMap<Long, Path> segments, boolean repair) throws IOException {
        MerkleTree.Check check = tree.check(from == null ? 0 : from.size(), repair);
        long startNanos = System.nanoTime();
        long[] counted = {0, from == null ? 0 : from.size()};
        Recovery.verify(from, sealed.size(), segments, new Recovery.Sink() {
            @Override
            public void segment(long firstSeq, Path path, long resumedAt) {
            }

            @Override
            public void record(SealPoint point, byte[] entryHash) throws IOException {
                check.add(entryHash);
                if (++counted[0] % PACE_EVERY_ENTRIES == 0) {
                    pace(counted[0], startNanos);
                }
                if (check.differing() == 0 && point.size() - counted[1] >= PROGRESS_EVERY_ENTRIES) {
                    Seal.of(point, check.root()).write(opener, directory.resolve(Seal.SCRUB_FILE), Seal.SCRUB_MAGIC);
                    counted[1] = point.size();
                }
            }
        });
        return check;
    }

    /** Sleeps as long as the scrub is ahead of its pace. */
    private void pace(long entries, long startNanos) throws InterruptedIOException {
        long dueNanos = entries * TimeUnit.SECONDS.toNanos(1) / entriesPerSecond;
        long ahead = dueNanos - (System.nanoTime() - startNanos);
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("journal scrub stopped");
        }
        if (ahead > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(ahead);
            } catch (InterruptedException e) {
                throw new InterruptedIOException("journal scrub stopped");
            }
        }
    }
}
