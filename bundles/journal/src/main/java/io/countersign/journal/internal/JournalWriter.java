package io.countersign.journal.internal;

import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer: drains up to maxBatch appends, stamps, chains and serialises them into one buffer, writes it
 * with one positional write, forces it, and only then adds the batch to the Merkle tree, publishes it as durable and
 * hands it to the completer (a batch of very large entries goes in several such chunks).
 * The first I/O failure is final: the fsync is never retried, because after a failed fsync Linux may already have
 * dropped the dirty pages it could not write (security-and-compliance.md §4.3 F5).
 */
final class JournalWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
    private static final int INITIAL_BUFFER_BYTES = 1024 * 1024;
    // Bounds the write buffer however large the records: a batch of big entries is written in several chunks.
    private static final int CHUNK_BYTES = 8 * 1024 * 1024;

    private final PendingQueue queue;
    private final Completer completer;
    private final Preallocator preallocator;
    private final SparseIndex index;
    private final MerkleTree tree;
    private final Clock clock;
    private final Pending[] batch;
    private final EntryCodec codec = new EntryCodec();
    private final CRC32C crc = new CRC32C();
    private int[] recordEnds;
    private final byte[][] entryHashes;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_BUFFER_BYTES);

    private ActiveSegment segment;
    private long nextSeq;
    private String prevHash;
    private Instant lastTime;
    private boolean failed;
    private volatile long durable;

    JournalWriter(PendingQueue queue, Completer completer, Preallocator preallocator, SparseIndex index,
                  MerkleTree tree, JournalOptions options, ActiveSegment segment, Recovery.State state) {
        this.queue = queue;
        this.completer = completer;
        this.preallocator = preallocator;
        this.index = index;
        this.tree = tree;
        this.clock = options.clock();
        this.batch = new Pending[options.maxBatch()];
        this.recordEnds = new int[options.maxBatch()];
        this.entryHashes = new byte[options.maxBatch()][];
        this.segment = segment;
        this.nextSeq = state.nextSeq();
        this.prevHash = state.lastHash();
        this.lastTime = state.lastTime();
        this.durable = state.nextSeq();
    }

    /** How many entries are on stable storage. */
    long durable() {
        return durable;
    }

    @Override
    public void run() {
        int n;
        while ((n = queue.drainTo(batch)) > 0) {
            int from = 0;
            try {
                while (from < n && !failed) {
                    from = commitChunk(from, n);
                }
            } catch (RuntimeException | Error e) {
                // A dead writer would leave every later future hanging; fail loudly instead.
                fail(e);
            }
            if (from < n) {
                completer.submit(Batch.failed(batch, from, n, queue.failure()));
            }
            Arrays.fill(batch, 0, n, null);
        }
    }

    void closeSegment() throws IOException {
        segment.close();
    }

    /**
     * Stamps, chains, writes and forces {@code batch[from, ...)} up to about {@value #CHUNK_BYTES} bytes, then hands
     * them to the completer. Returns where the next chunk starts; on failure nothing after {@code from} is durable.
     */
    private int commitChunk(int from, int n) {
        Object[] outcomes = new Object[n - from];
        int accepted = 0;
        long seq = nextSeq;
        String prev = prevHash;
        Instant time = lastTime;
        buffer.clear();
        int to = from;
        for (; to < n && (to == from || buffer.position() < CHUNK_BYTES); to++) {
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
        try {
            if (accepted > 0) {
                write(accepted);
                segment.force();
                addToTree(accepted);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            return from;
        } finally {
            if (buffer.capacity() > 2 * CHUNK_BYTES) {
                buffer = ByteBuffer.allocateDirect(INITIAL_BUFFER_BYTES);
            }
        }
        nextSeq = seq;
        prevHash = prev;
        lastTime = time;
        durable = seq;
        completer.submit(new Batch(batch, from, to, Arrays.copyOf(outcomes, to - from)));
        return to;
    }

    /** Only durable entries enter the tree, and a reader can prove them before their futures complete. */
    private void addToTree(int accepted) throws IOException {
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

    /** Writes records [0, accepted) of the buffer, rolling segments so that no record straddles two. */
    private void write(int accepted) throws IOException {
        if (!segment.isEmpty() && recordEnds[accepted - 1] > segment.room()) {
            roll(nextSeq);
        }
        int from = 0;
        while (from < accepted) {
            int base = from == 0 ? 0 : recordEnds[from - 1];
            int to = from;
            while (to < accepted && recordEnds[to] - base <= segment.room()) {
                to++;
            }
            if (to == from) {
                if (segment.isEmpty()) {
                    segment.extendTo(recordEnds[from] - base);
                } else {
                    // Only a batch larger than a whole segment gets here; force what went before the roll.
                    segment.force();
                    roll(nextSeq + from);
                }
                continue;
            }
            long offset = segment.end();
            for (int r = from; r < to; r++) {
                index.noteRecord(nextSeq + r, offset + (r == from ? 0 : recordEnds[r - 1] - base));
            }
            segment.write(buffer.slice(base, recordEnds[to - 1] - base));
            from = to;
        }
    }

    private void roll(long firstSeq) throws IOException {
        segment.close();
        segment = preallocator.take(firstSeq);
        index.addSegment(firstSeq, segment.path());
    }

    private void fail(Throwable cause) {
        failed = true;
        LOG.error("Journal write, fsync or Merkle tree update failed at seq {}; refusing every further append until the"
                + " journal is reopened (the fsync is not retried)", nextSeq, cause);
        queue.fail("journal failed: " + cause);
    }
}
