package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** Also receives each well-formed entry's line parsed as JSON (null when Jackson cannot read it). */
    interface JsonSink extends Sink {
        void parsed(long line, Entry entry, JsonNode json);
    }

    /** A chunk's entries and, when the sink wants them, their lines as JSON trees, parsed on the pool as well. */
    private record Chunk(List<Entry> entries, List<JsonNode> json) {
    }

    /** Small enough that G1 does not allocate chunks as humongous objects. */
    private static final int CHUNK_BYTES = 256 << 10;
    /** FORMAT.md caps a payload at 64 MiB; a longer line is not an entry and is not buffered. */
    private static final int MAX_LINE_BYTES = 64 << 20;
    private static final CompletableFuture<Chunk> END = CompletableFuture.completedFuture(null);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int workers;
    /** Given the lines that concern passkey step-up (§6.6) parsed on the pool, or null. */
    private StepUpChecks stepUps;

    /** Also hands every entry to {@code checks}, with its line parsed when it concerns step-up. */
    EntryPipeline withStepUps(StepUpChecks checks) {
        this.stepUps = checks;
        return this;
    }

    EntryPipeline(int workers) {
        this.workers = workers;
    }

    void run(InputStream in, Sink sink) throws InputException {
        ExecutorService pool = Executors.newFixedThreadPool(workers, EntryPipeline::daemon);
        BlockingQueue<CompletableFuture<Chunk>> chunks = new ArrayBlockingQueue<>(4 * workers);
        boolean parseJson = sink instanceof JsonSink;
        Thread reader = daemon(() -> read(in, pool, chunks, parseJson));
        reader.setName("entries-reader");
        reader.start();
        try {
            long line = 0;
            JsonSink jsonSink = sink instanceof JsonSink wantsJson ? wantsJson : null;
            for (CompletableFuture<Chunk> next = chunks.take(); next != END; next = chunks.take()) {
                Chunk chunk = next.join();
                for (int i = 0; i < chunk.entries().size(); i++) {
                    Entry entry = chunk.entries().get(i);
                    sink.accept(++line, entry);
                    if (jsonSink != null && entry.wellFormed()) {
                        jsonSink.parsed(line, entry, chunk.json().get(i));
                    }
                    if (stepUps != null && entry.wellFormed()) {
                        stepUps.accept(entry, chunk.json().get(i));
                    }
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

    private void read(InputStream in, ExecutorService pool, BlockingQueue<CompletableFuture<Chunk>> chunks,
                      boolean parseJson) {
        try {
            byte[] chunk = new byte[CHUNK_BYTES];
            int carried = 0;
            while (true) {
                int filled = carried + in.readNBytes(chunk, carried, chunk.length - carried);
                if (filled < chunk.length) {
                    if (filled > 0) {
                        submit(chunk, filled, pool, chunks, parseJson);
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
                submit(chunk, cut, pool, chunks, parseJson);
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
                        BlockingQueue<CompletableFuture<Chunk>> chunks, boolean parseJson) throws InterruptedException {
        boolean stepUp = stepUps != null;
        chunks.put(CompletableFuture.supplyAsync(() -> decodeLines(lines, length, parseJson, stepUp), pool));
    }

    /** Decodes the lines of {@code bytes[0, length)}; a final line without its newline is still decoded, and flagged. */
    private static Chunk decodeLines(byte[] bytes, int length, boolean parseJson, boolean stepUp) {
        List<Entry> entries = new ArrayList<>(length / 256 + 1);
        List<JsonNode> json = parseJson || stepUp ? new ArrayList<>(length / 256 + 1) : null;
        int start = 0;
        while (start < length) {
            int newline = indexOfNewline(bytes, start, length);
            int end = newline < 0 ? length : newline;
            Entry entry = EntryDecoder.decode(bytes, start, end);
            if (newline < 0) {
                entry.problems().add(new Entry.Problem("entry", "the last line does not end with a newline"));
            }
            entries.add(entry);
            if (json != null) {
                json.add(entry.wellFormed() && (parseJson || StepUpChecks.concerns(entry, bytes, start, end))
                        ? parse(bytes, start, end) : null);
            }
            if (newline < 0) {
                break;
            }
            start = newline + 1;
        }
        return new Chunk(entries, json);
    }

    private static JsonNode parse(byte[] bytes, int from, int to) {
        try {
            return JSON.readTree(bytes, from, to - from);
        } catch (IOException e) {
            return null;
        }
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
