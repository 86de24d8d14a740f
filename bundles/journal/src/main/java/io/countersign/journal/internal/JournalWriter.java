package io.countersign.journal.internal;

import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer: drains up to maxBatch appends, stamps, chains and serialises them into one buffer, writes it
 * with one positional write, forces it, and only then adds the batch to the Merkle tree, publishes it as durable and
 * hands it to the completer (a batch of very large entries, or one that reaches the end of a segment, goes in
 * several such chunks; a chunk never spans two segments). Every so many entries or seconds it hands the sealer where
 * the durable journal ends, and on a roll the closed segment's positions (through the index): no I/O for either.
 * <p>
 * <b>Failures.</b> A failed write (a full disk: the segment roll could not get its preallocated spare, the Merkle
 * tree's node file could not grow, a write returned an error) is retried with exponential backoff, for as long as it
 * takes. The chunk keeps its stamps, so a retry writes the very same bytes at the very same offset over whatever
 * part of them reached the file, and the tree forgets what it added after its last publish and adds it again: the
 * journal is back at its last durable position, and every entry is acknowledged exactly once, when it is durable.
 * The appends already taken wait for the retry; {@link #trouble()} says why and when the next attempt is. A failed
 * fsync, in contrast, is final: it is never retried, because after a failed fsync Linux may already have dropped the
 * dirty pages it could not write (security-and-compliance.md §4.3 F5), and the journal refuses every later append.
 */
final class JournalWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
    private static final int INITIAL_BUFFER_BYTES = 1024 * 1024;
    // Bounds the write buffer however large the records: a batch of big entries is written in several chunks.
    private static final int CHUNK_BYTES = 8 * 1024 * 1024;
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * Why the writer is not writing: waiting to retry a failed write, or failed for good.
     *
     * @param fatal a failed fsync (or a fault in the writer): appends are refused until the journal is reopened
     * @param cause what failed, for people
     * @param since when the trouble began
     * @param attempts how many writes failed since the last that succeeded
     * @param nextAttemptNanos {@link System#nanoTime()} of the next attempt; meaningless when fatal
     */
    record Trouble(boolean fatal, String cause, Instant since, int attempts, long nextAttemptNanos) {

        /** How long until the next attempt; zero when one is under way or overdue. */
        Duration untilNextAttempt() {
            return Duration.ofNanos(Math.max(0, nextAttemptNanos - System.nanoTime()));
        }
    }

    private enum Step { WRITE, FORCE, TREE }

    private final PendingQueue queue;
    private final Completer completer;
    private final Preallocator preallocator;
    private final SparseIndex index;
    private final MerkleTree tree;
    private final JournalSealer sealer;
    private final long sealEveryEntries;
    private final long sealEveryNanos;
    private final Clock clock;
    private final long retryMinNanos;
    private final long retryMaxNanos;
    private final Pending[] batch;
    private final EntryCodec codec = new EntryCodec();
    private final CRC32C crc = new CRC32C();
    private final int[] recordEnds;
    private final byte[][] entryHashes;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_BUFFER_BYTES);

    private ActiveSegment segment;
    private long nextSeq;
    private String prevHash;
    private Instant lastTime;
    private volatile long durable;
    /** Once set, every append drained is failed with it: the fsync failed, or the journal closed while failing. */
    private String refusal;
    private volatile Trouble trouble;
    private long lastReportNanos;
    private boolean lastAttempt;
    // Where the last durable record lies, for seal points; and when the last one was handed to the sealer.
    private long boundarySegmentFirstSeq;
    private long boundaryOffset;
    private long boundaryEnd;
    private long lastSealPointSize;
    private long lastSealPointNanos = System.nanoTime();

    // The chunk being committed, as stamped: its records are buffer[0, recordEnds[accepted - 1]).
    private Object[] outcomes;
    private int accepted;
    private boolean rollFirst;
    private long extendTo;
    private long chunkLastRecordOffset;
    private long chunkNextSeq;
    private String chunkLastHash;
    private Instant chunkLastTime;

    JournalWriter(PendingQueue queue, Completer completer, Preallocator preallocator, SparseIndex index,
                  MerkleTree tree, JournalSealer sealer, JournalOptions options, ActiveSegment segment,
                  Recovery.State state) {
        this.queue = queue;
        this.completer = completer;
        this.preallocator = preallocator;
        this.index = index;
        this.tree = tree;
        this.sealer = sealer;
        this.sealEveryEntries = options.seal().everyEntries();
        this.sealEveryNanos = options.seal().every().toNanos();
        this.clock = options.clock();
        this.retryMinNanos = options.retryMin().toNanos();
        this.retryMaxNanos = options.retryMax().toNanos();
        this.batch = new Pending[options.maxBatch()];
        this.recordEnds = new int[options.maxBatch()];
        this.entryHashes = new byte[options.maxBatch()][];
        this.segment = segment;
        this.nextSeq = state.nextSeq();
        this.prevHash = state.lastHash();
        this.lastTime = state.lastTime();
        this.durable = state.nextSeq();
        SealPoint boundary = state.boundary();
        if (boundary != null) {
            this.boundarySegmentFirstSeq = boundary.segmentFirstSeq();
            this.boundaryOffset = boundary.lastRecordOffset();
            this.boundaryEnd = boundary.segmentEnd();
        }
        this.lastSealPointSize = state.nextSeq();
    }

    /** Where the durable journal ends, for a seal; null while it is empty. Writer thread, or once it stopped. */
    SealPoint sealPoint() {
        return durable == 0 ? null : new SealPoint(durable, prevHash, lastTime, boundarySegmentFirstSeq,
                boundaryOffset, boundaryEnd);
    }

    /** How many entries are on stable storage. */
    long durable() {
        return durable;
    }

    /** Why the writer is not writing now, or {@code null} while it is. */
    Trouble trouble() {
        return trouble;
    }

    @Override
    public void run() {
        int n;
        while ((n = queue.drainTo(batch)) > 0) {
            int from = 0;
            try {
                while (from < n && refusal == null) {
                    from = commitChunk(from, n);
                }
            } catch (RuntimeException | Error e) {
                // A dead writer would leave every later future hanging; fail loudly instead.
                fail(e);
            }
            if (from < n) {
                completer.submit(Batch.failed(batch, from, n, refusal, JournalStore.FAILED_RETRY_AFTER));
            }
            Arrays.fill(batch, 0, n, null);
        }
    }

    void closeSegment() throws IOException {
        segment.close();
    }

    /**
     * Stamps, chains, writes and forces {@code batch[from, ...)} up to about {@value #CHUNK_BYTES} bytes or the end of
     * the segment, then hands them to the completer. Returns where the next chunk starts; when the writer gives up
     * (a failed fsync, or closed while a write kept failing) nothing from {@code from} on is acknowledged.
     */
    private int commitChunk(int from, int n) {
        int to;
        try {
            to = stamp(from, n);
            if (accepted > 0 && !writeDurably()) {
                return from;
            }
        } finally {
            if (buffer.capacity() > 2 * CHUNK_BYTES) {
                buffer = ByteBuffer.allocateDirect(INITIAL_BUFFER_BYTES);
            }
        }
        if (accepted > 0) {
            nextSeq = chunkNextSeq;
            prevHash = chunkLastHash;
            lastTime = chunkLastTime;
            durable = nextSeq;
            boundarySegmentFirstSeq = segment.firstSeq();
            boundaryOffset = chunkLastRecordOffset;
            boundaryEnd = segment.end();
            offerSealPointIfDue();
        }
        completer.submit(new Batch(batch, from, to, Arrays.copyOf(outcomes, to - from)));
        return to;
    }

    /** Every so many entries or so much time, hands the sealer where the journal stands: no I/O here. */
    private void offerSealPointIfDue() {
        long now = System.nanoTime();
        if (durable - lastSealPointSize >= sealEveryEntries || now - lastSealPointNanos >= sealEveryNanos) {
            sealer.offer(sealPoint());
            lastSealPointSize = durable;
            lastSealPointNanos = now;
        }
    }

    /**
     * Serialises {@code batch[from, ...)} into the buffer and decides where the chunk goes: at the end of the active
     * segment, or at the start of a new one when not even its first record fits (extended if that record is larger
     * than a whole segment). Returns where the chunk ends.
     */
    private int stamp(int from, int n) {
        outcomes = new Object[n - from];
        accepted = 0;
        rollFirst = false;
        extendTo = 0;
        long room = segment.room();
        boolean emptySegment = segment.isEmpty();
        long seq = nextSeq;
        String prev = prevHash;
        Instant time = lastTime;
        buffer.clear();
        int to = from;
        for (; to < n && (accepted == 0 || buffer.position() < CHUNK_BYTES); to++) {
            Pending pending = batch[to];
            Instant now = clock.instant();
            if (time != null && now.isBefore(time)) {
                now = time;
            }
            byte[] canonical;
            try {
                canonical = JournalEntry.canonicalBytes(seq, now, pending.type(), pending.data(), prev);
                if (canonical.length > SegmentCursor.MAX_PAYLOAD_BYTES) {
                    throw new IllegalArgumentException("journal entry of " + canonical.length + " bytes exceeds the "
                            + SegmentCursor.MAX_PAYLOAD_BYTES + "-byte limit");
                }
            } catch (RuntimeException e) {
                // Data that has no canonical JSON form (NaN, binary) fails only its own append and takes no seq.
                outcomes[to - from] = e;
                continue;
            }
            long end = (long) buffer.position() + SegmentCursor.HEADER_BYTES + canonical.length;
            if (end > room) {
                if (accepted > 0) {
                    break; // the rest goes to the next chunk, in a new segment
                }
                if (!emptySegment) {
                    rollFirst = true;
                    emptySegment = true;
                    room = preallocator.segmentBytes();
                }
                if (end > room) {
                    extendTo = end; // a record larger than a whole segment gets an empty segment of its own
                }
            }
            byte[] entryHash = codec.digest(canonical);
            String hash = EntryCodec.hashText(entryHash);
            putRecord(canonical);
            entryHashes[accepted] = entryHash;
            recordEnds[accepted++] = buffer.position();
            outcomes[to - from] = new JournalEntry(seq, now, pending.type(), pending.data(), prev, hash);
            seq++;
            prev = hash;
            time = now;
        }
        chunkNextSeq = seq;
        chunkLastHash = prev;
        chunkLastTime = time;
        return to;
    }

    /**
     * Writes, forces and adds the stamped chunk to the tree, retrying a failed write or tree update until it succeeds.
     * Returns false when the writer gave up: the fsync failed, or the journal was closed while writes kept failing.
     */
    private boolean writeDurably() {
        Step step = Step.WRITE;
        boolean rolled = false;
        while (true) {
            try {
                if (step == Step.WRITE) {
                    if (rollFirst && !rolled) {
                        roll(nextSeq);
                        rolled = true;
                    }
                    if (extendTo > 0) {
                        segment.extendTo(extendTo);
                    }
                    long offset = segment.end();
                    segment.write(buffer.slice(0, recordEnds[accepted - 1]));
                    for (int r = 0; r < accepted; r++) {
                        index.noteRecord(nextSeq + r, offset + (r == 0 ? 0 : recordEnds[r - 1]));
                    }
                    chunkLastRecordOffset = offset + (accepted == 1 ? 0 : recordEnds[accepted - 2]);
                    step = Step.FORCE;
                }
                if (step == Step.FORCE) {
                    segment.force();
                    step = Step.TREE;
                }
                addToTree();
                writesAgain();
                return true;
            } catch (FsyncFailedException e) {
                fail(e);
                return false;
            } catch (IOException | UncheckedIOException e) {
                if (step == Step.TREE) {
                    tree.discardUnpublished();
                }
                if (!awaitRetry(e)) {
                    return false;
                }
            }
        }
    }

    /** Only durable entries enter the tree, and a reader can prove them before their futures complete. */
    private void addToTree() throws IOException {
        for (int i = 0; i < accepted; i++) {
            tree.add(entryHashes[i]);
        }
        tree.publish();
    }

    private void putRecord(byte[] canonical) {
        int needed = SegmentCursor.HEADER_BYTES + canonical.length;
        if (buffer.remaining() < needed) {
            ByteBuffer larger = ByteBuffer.allocateDirect(Math.max(buffer.capacity() * 2, buffer.position() + needed));
            larger.put(buffer.flip());
            buffer = larger;
        }
        crc.reset();
        crc.update(canonical);
        buffer.putInt(canonical.length).putInt((int) crc.getValue()).put(canonical);
    }

    /** Moves on to a new segment; the old one stays active if the new one cannot be had. */
    private void roll(long firstSeq) throws IOException {
        ActiveSegment next = preallocator.take(firstSeq);
        ActiveSegment previous = segment;
        segment = next;
        index.addSegment(firstSeq, next.path());
        try {
            previous.close();
        } catch (IOException e) {
            LOG.warn("Closing journal segment {} failed (everything in it is durable)", previous.path(), e);
        }
    }

    /**
     * Records a failed write and waits before the next attempt. Returns false when the journal was closed meanwhile
     * and one last attempt failed too: the writer then gives up on what is not written.
     */
    private boolean awaitRetry(Exception cause) {
        Trouble before = trouble;
        int attempts = before == null ? 1 : before.attempts() + 1;
        long delay = backoff(attempts);
        long now = System.nanoTime();
        Instant since = before == null ? Instant.now() : before.since();
        trouble = new Trouble(false, String.valueOf(cause), since, attempts, now + delay);
        if (before == null) {
            lastReportNanos = now;
            LOG.error("Journal write failed at seq {}: {}. Appends already taken wait and the write is retried with"
                    + " backoff (it is not acknowledged until it succeeds); the node is not ready meanwhile", nextSeq,
                    cause, cause);
        } else if (now - lastReportNanos >= REPORT_EVERY_NANOS) {
            lastReportNanos = now;
            LOG.error("Journal still cannot write at seq {} after {} attempts since {}: {}", nextSeq, attempts, since,
                    cause);
        } else {
            LOG.debug("Journal write attempt {} at seq {} failed: {}", attempts, nextSeq, cause);
        }
        if (lastAttempt) {
            giveUp("journal closed while it could not write (" + cause + ")");
            return false;
        }
        if (queue.awaitClosed(delay)) {
            lastAttempt = true; // closing: try once more at once, then give up
        }
        return true;
    }

    private long backoff(int attempts) {
        long delay = retryMinNanos;
        for (int i = 1; i < attempts && delay < retryMaxNanos; i++) {
            delay *= 2;
        }
        return Math.min(delay, retryMaxNanos);
    }

    private void writesAgain() {
        Trouble before = trouble;
        if (before != null) {
            trouble = null;
            LOG.info("Journal writes again at seq {}, after {} failed attempts since {}", nextSeq, before.attempts(),
                    before.since());
        }
    }

    private void giveUp(String why) {
        refusal = why;
        LOG.error("Journal gives up on the appends waiting from seq {}: {}; none of them was acknowledged", nextSeq,
                why);
    }

    private void fail(Throwable cause) {
        refusal = "journal failed: " + cause;
        Trouble before = trouble;
        trouble = new Trouble(true, String.valueOf(cause), Instant.now(), before == null ? 1 : before.attempts() + 1,
                0);
        if (cause instanceof FsyncFailedException) {
            LOG.error("Journal fsync failed at seq {}; refusing every further append until the journal is reopened"
                    + " (a failed fsync is never retried: the page cache cannot be trusted after it)", nextSeq, cause);
        } else {
            LOG.error("Journal writer failed at seq {}; refusing every further append until the journal is reopened",
                    nextSeq, cause);
        }
        queue.fail(refusal);
    }
}
