package io.countersign.verify;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads {@code entries.jsonl} on one thread, decodes chunks of lines on a pool, and hands the entries to the
 * caller's thread in file order. Decoding (hashing, canonical check, parsing, action digests) is per line and
 * dominates the cost, so it is what runs in parallel; the checks that link entries stay sequential.
 */
final class EntryPipeline {
    /** Receives each entry with its 1-based line number, in file order, on the thread that called {@link #run}. */
    interface Sink {
        void accept(long line, Entry entry);
    }

    /** Small enough that G1 does not allocate chunks as humongous objects. */
    private static final int CHUNK_BYTES = 256 << 10;
    /** FORMAT.md caps a payload at 64 MiB; a longer line is not an entry and is not buffered. */
    private static final int MAX_LINE_BYTES = 64 << 20;
    private static final CompletableFuture<List<Entry>> END = CompletableFuture.completedFuture(null);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    private final int workers;

    EntryPipeline(int workers) {
        this.workers = workers;
    }

    void run(InputStream in, Sink sink) throws InputException {
        ExecutorService pool = Executors.newFixedThreadPool(workers, EntryPipeline::daemon);
        BlockingQueue<CompletableFuture<List<Entry>>> chunks = new ArrayBlockingQueue<>(4 * workers);
        Thread reader = daemon(() -> read(in, pool, chunks));
        reader.setName("entries-reader");
        reader.start();
        try {
            long line = 0;
            for (CompletableFuture<List<Entry>> chunk = chunks.take(); chunk != END; chunk = chunks.take()) {
                for (Entry entry : chunk.join()) {
                    sink.accept(++line, entry);
                }
            }
        } catch (CompletionException e) {
            throw new InputException("cannot read " + EvidenceBundle.ENTRIES + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputException("interrupted while reading " + EvidenceBundle.ENTRIES, e);
        } finally {
            reader.interrupt();
            pool.shutdownNow();
        }
    }

    private void read(InputStream in, ExecutorService pool, BlockingQueue<CompletableFuture<List<Entry>>> chunks) {
        try {
            byte[] chunk = new byte[CHUNK_BYTES];
            int carried = 0;
            while (true) {
                int filled = carried + in.readNBytes(chunk, carried, chunk.length - carried);
                if (filled < chunk.length) {
                    if (filled > 0) {
                        submit(chunk, filled, pool, chunks);
                    }
                    chunks.put(END);
                    return;
                }
                int cut = lastNewline(chunk, filled) + 1;
                if (cut == 0) {
                    if (chunk.length > MAX_LINE_BYTES) {
                        throw new IOException("a line is longer than " + MAX_LINE_BYTES + " bytes");
                    }
                    chunk = Arrays.copyOf(chunk, chunk.length * 2);
                    carried = filled;
                    continue;
                }
                submit(chunk, cut, pool, chunks);
                byte[] lines = chunk;
                chunk = new byte[Math.max(CHUNK_BYTES, 2 * (filled - cut))];
                carried = filled - cut;
                System.arraycopy(lines, cut, chunk, 0, carried);
            }
        } catch (IOException | RuntimeException e) {
            try {
                chunks.put(CompletableFuture.failedFuture(e));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(byte[] lines, int length, ExecutorService pool,
                        BlockingQueue<CompletableFuture<List<Entry>>> chunks) throws InterruptedException {
        chunks.put(CompletableFuture.supplyAsync(() -> decodeLines(lines, length), pool));
    }

    /** Decodes the lines of {@code bytes[0, length)}; a final line without its newline is still decoded, and flagged. */
    private static List<Entry> decodeLines(byte[] bytes, int length) {
        List<Entry> entries = new ArrayList<>(length / 256 + 1);
        int start = 0;
        while (start < length) {
            int newline = indexOfNewline(bytes, start, length);
            if (newline < 0) {
                Entry entry = EntryDecoder.decode(bytes, start, length);
                entry.problems().add(new Entry.Problem("entry", "the last line does not end with a newline"));
                entries.add(entry);
                break;
            }
            entries.add(EntryDecoder.decode(bytes, start, newline));
            start = newline + 1;
        }
        return entries;
    }

    private static int lastNewline(byte[] bytes, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The first newline in {@code bytes[from, to)}, eight bytes at a time (the SWAR zero-byte test), else -1. */
    private static int indexOfNewline(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i) ^ NEWLINES;
            long zeroBytes = (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
            if (zeroBytes != 0) {
                return i + (Long.numberOfTrailingZeros(zeroBytes) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        return thread;
    }
}
