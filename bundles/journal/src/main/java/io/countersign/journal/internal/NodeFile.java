package io.countersign.journal.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;

/**
 * An append-only file of 32-byte hashes addressed by position. The one writing thread appends through a staging
 * buffer and positional writes; any thread reads through read-only mappings of fixed-size chunks, added as the file
 * grows. Writes do not go through the mappings: a write fault on a page not yet cached reads ahead first (zero-filling
 * up to {@code read_ahead_kb} of the sparse file), which stalled the writer for milliseconds every few megabytes.
 * <p>
 * A reader may read a position once the writer has {@link #flush}ed it and then published that through a volatile
 * write the reader has seen; the chunk table is published before, so the reader sees the chunk too. Nothing is forced
 * to disk on the append path: the content is derived; the sealer {@link #force}s it before a seal vouches for a prefix
 * of it, and every open recomputes what no valid seal covers.
 */
final class NodeFile implements Closeable {

    static final int DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

    private static final int HASH_BYTES = TreeHasher.HASH_BYTES;
    private static final int STAGED_HASHES = 2048;

    private final Path file;
    private final FileChannel channel;
    private final int chunkBytes;
    private final long hashesPerChunk;
    private final ByteBuffer staged = ByteBuffer.allocateDirect(STAGED_HASHES * HASH_BYTES);
    private long flushed;
    private boolean repairing = true;
    private long rewritten;
    private volatile MappedByteBuffer[] chunks = new MappedByteBuffer[0];

    private NodeFile(Path file, FileChannel channel, int chunkBytes, long start) {
        this.file = file;
        this.channel = channel;
        this.chunkBytes = chunkBytes;
        this.hashesPerChunk = chunkBytes / HASH_BYTES;
        this.flushed = start;
    }

    /**
     * Opens or creates {@code file} for appending from position 0, repairing: whatever it holds is only a guess, which
     * each flush compares with the hashes appended, until {@link #endRepair}.
     */
    static NodeFile open(Path file, int chunkBytes) throws IOException {
        return open(file, chunkBytes, ChannelOpener.DEFAULT);
    }

    static NodeFile open(Path file, int chunkBytes, ChannelOpener opener) throws IOException {
        return open(file, chunkBytes, opener, 0);
    }

    /**
     * Opens {@code file} for appending from position {@code start}: the hashes before it are taken as they are (a
     * seal vouches for them), those from it on are repaired as from 0.
     */
    static NodeFile open(Path file, int chunkBytes, ChannelOpener opener, long start) throws IOException {
        if (chunkBytes <= 0 || chunkBytes % HASH_BYTES != 0) {
            throw new IllegalArgumentException("chunkBytes must be a positive multiple of " + HASH_BYTES + ", not "
                    + chunkBytes);
        }
        FileChannel channel = opener.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
        try {
            NodeFile nodes = new NodeFile(file, channel, chunkBytes, start);
            if (start > 0) {
                nodes.mapChunksUpTo(start);
            }
            return nodes;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    byte[] read(long position) {
        byte[] hash = new byte[HASH_BYTES];
        chunks[chunkOf(position)].get(offsetOf(position), hash);
        return hash;
    }

    /** Puts {@code hash} at the next position. Writer only. */
    void append(byte[] hash) throws IOException {
        if (!staged.hasRemaining()) {
            flush();
        }
        staged.put(hash);
    }

    /** Writes what was appended and maps the chunks it lies in, so that it can be published. Writer only. */
    void flush() throws IOException {
        staged.flip();
        int count = staged.remaining() / HASH_BYTES;
        if (count > 0) {
            mapChunksUpTo(flushed + count);
            // Skipping hashes the file already holds keeps an intact file's pages clean while it is checked on open.
            if (!repairing || countDifferent(count) > 0) {
                long offset = flushed * HASH_BYTES;
                while (staged.hasRemaining()) {
                    offset += channel.write(staged, offset);
                }
            }
            flushed += count;
        }
        staged.clear();
    }

    /**
     * Forgets every hash from position {@code count} on, flushed or staged, after an append or flush failed: the
     * writer appends them again. The file keeps whatever bytes were written; they are overwritten. Writer only.
     */
    void truncateTo(long count) {
        if (count > flushed + staged.position() / HASH_BYTES) {
            throw new IllegalArgumentException("cannot truncate " + (flushed + staged.position() / HASH_BYTES)
                    + " hashes to " + count);
        }
        staged.clear();
        flushed = count;
    }

    /**
     * Makes every hash written so far durable, so that a seal may vouch for them; any thread. A failure is only the
     * seal's: the next one tries again.
     */
    void force() throws IOException {
        channel.force(false);
    }

    /**
     * Puts {@code hash} at {@code position}, which is below the published size, if the file holds something else
     * there; returns whether it did. For the scrubber and readers, once the entries have shown the right hash.
     */
    boolean repair(long position, byte[] hash) throws IOException {
        if (Arrays.equals(read(position), hash)) {
            return false;
        }
        // A channel of its own: an interrupt of the calling thread closes the channel it writes through, and the
        // writer's must stay open.
        try (FileChannel own = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(hash);
            while (buffer.hasRemaining()) {
                own.write(buffer, position * HASH_BYTES + buffer.position());
            }
        }
        return true;
    }

    /** Stops comparing: from here on every position appended is new. Writer only, after a flush. */
    void endRepair() {
        repairing = false;
    }

    /** How many hashes flushes found missing or wrong in the file while repairing. */
    long rewritten() {
        return rewritten;
    }

    private int countDifferent(int count) {
        int different = 0;
        for (int i = 0; i < count; i++) {
            long position = flushed + i;
            ByteBuffer stored = chunks[chunkOf(position)].slice(offsetOf(position), HASH_BYTES);
            if (staged.slice(i * HASH_BYTES, HASH_BYTES).mismatch(stored) >= 0) {
                different++;
            }
        }
        rewritten += different;
        return different;
    }

    private void mapChunksUpTo(long hashes) throws IOException {
        MappedByteBuffer[] current = chunks;
        int needed = chunkOf(hashes - 1) + 1;
        if (needed <= current.length) {
            return;
        }
        MappedByteBuffer[] grown = Arrays.copyOf(current, needed);
        for (int i = current.length; i < needed; i++) {
            // Mapping past the end of the file extends it (sparsely) to the end of the chunk.
            grown[i] = channel.map(FileChannel.MapMode.READ_ONLY, (long) i * chunkBytes, chunkBytes);
        }
        chunks = grown;
    }

    private int chunkOf(long position) {
        return Math.toIntExact(position / hashesPerChunk);
    }

    private int offsetOf(long position) {
        return (int) (position % hashesPerChunk) * HASH_BYTES;
    }

    /** Closes the file; mappings stay readable until they are collected, so late readers still get answers. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
