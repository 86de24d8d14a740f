package io.countersign.verify.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.verify.VerifiedEvidence;
import io.countersign.records.ChangeRecord;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The change records of the period's requests (docs/report-format.md §7), made in the same pass as the rest of the
 * report. Which requests get a record (the sample and the exceptions) is known only when the period ends, so every
 * request's record is built while it is open and, once its row is final (or it is the least recently active of
 * too many), written compactly to a temporary file whose index (an open-addressing table of 64-bit hashes of request
 * ids, mapped outside the heap) finds it again; a later entry of the request (a grant presented again) reads it back.
 * The heap holds a bounded number of records whatever the population.
 */
final class Records implements AutoCloseable {

    static final String DIRECTORY = "records/";
    /** About 1.5 KB each in the heap (a few compact JSON arrays): some 50 MB at most. */
    private static final int IN_HEAP = 32768;
    private static final int SLOT_BYTES = 16;
    private static final int SLOTS_PER_CHUNK = 1 << 22;
    private static final long MAX_LENGTH = (1L << 24) - 1;

    /** More requests than the bundle's stated entry count allows: the bundle is not what it says. */
    static final class Overflow extends RuntimeException {
        Overflow(String message) {
            super(message);
        }
    }

    /**
     * The records in the heap, least recently given an entry first: at most {@value #IN_HEAP}. Requests that go
     * quiet while open (a grant never presented waits for the end of the period) leave for the file like done ones.
     */
    private final Map<String, ChangeRecord> open = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ChangeRecord> eldest) {
            if (size() <= inHeap) {
                return false;
            }
            store(eldest.getValue());
            return true;
        }
    };
    private final Path directory;
    private final FileChannel data;
    private final OutputStream appender;
    private final FileChannel index;
    private final List<MappedByteBuffer> chunks = new ArrayList<>();
    private final long slots;
    private final int inHeap;
    private long used;
    private long written;
    private boolean flushed = true;

    /** @param entries how many entries the bundle states it holds (a request has at least two), -1 if unknown */
    Records(long entries) {
        this(entries, IN_HEAP);
    }

    Records(long entries, int inHeap) {
        this.inHeap = inHeap;
        long wanted = Math.max(1 << 16, entries);
        slots = Long.highestOneBit(wanted - 1) << 1;
        try {
            directory = Files.createTempDirectory("countersign-report-records");
            data = FileChannel.open(directory.resolve("records"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            appender = new BufferedOutputStream(Channels.newOutputStream(data), 1 << 16);
            index = FileChannel.open(directory.resolve("index"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An entry of the period that belongs to {@code request} and is of a type a record shows. */
    void accept(String request, long seq, byte[] hash, JsonNode entry) {
        ChangeRecord record = open.get(request);
        if (record != null) {
            record.accept(seq, VerifiedEvidence.hashText(hash), entry);
            return;
        }
        record = stored(request).orElseGet(() -> ChangeRecord.of(request));
        record.accept(seq, VerifiedEvidence.hashText(hash), entry);
        open.put(request, record);
    }

    /** No later entry changes {@code request}'s row: its record leaves the heap. */
    void done(String request) {
        ChangeRecord record = open.remove(request);
        if (record != null) {
            store(record);
        }
    }

    /** The record of {@code request}, if any entry of the period named it. */
    Optional<ChangeRecord> record(String request) {
        ChangeRecord record = open.get(request);
        return record != null ? Optional.of(record) : stored(request);
    }

    /** The member name of a request's record, with {@code extension} ("json" or "html"). */
    static String member(String request, String extension) {
        return DIRECTORY + URLEncoder.encode(request, StandardCharsets.UTF_8) + "." + extension;
    }

    private void store(ChangeRecord record) {
        byte[] bytes = record.toCompactJson();
        if (bytes.length > MAX_LENGTH) {
            throw new Overflow("the record of " + record.request() + " is over " + MAX_LENGTH + " bytes");
        }
        try {
            long key = key(record.request());
            for (long slot = key & (slots - 1); ; slot = (slot + 1) & (slots - 1)) {
                ByteBuffer chunk = chunk(slot);
                int at = (int) (slot % SLOTS_PER_CHUNK) * SLOT_BYTES;
                long found = chunk.getLong(at);
                if (found == 0) {
                    if (++used > slots / 2) {
                        throw new Overflow("the bundle names more requests than its " + slots
                                + " entries allow");
                    }
                } else if (found != key || !read(chunk.getLong(at + 8)).request().equals(record.request())) {
                    continue;
                }
                appender.write(bytes);
                flushed = false;
                chunk.putLong(at, key);
                chunk.putLong(at + 8, written << 24 | bytes.length);
                written += bytes.length;
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<ChangeRecord> stored(String request) {
        if (used == 0) {
            return Optional.empty();
        }
        try {
            long key = key(request);
            for (long slot = key & (slots - 1); ; slot = (slot + 1) & (slots - 1)) {
                ByteBuffer chunk = chunk(slot);
                int at = (int) (slot % SLOTS_PER_CHUNK) * SLOT_BYTES;
                long found = chunk.getLong(at);
                if (found == 0) {
                    return Optional.empty();
                }
                if (found == key) {
                    ChangeRecord record = read(chunk.getLong(at + 8));
                    if (record.request().equals(request)) {
                        return Optional.of(record);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ChangeRecord read(long place) throws IOException {
        if (!flushed) {
            appender.flush();
            flushed = true;
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) (place & MAX_LENGTH));
        long offset = place >>> 24;
        while (bytes.hasRemaining()) {
            if (data.read(bytes, offset + bytes.position()) < 0) {
                throw new IOException("a stored change record is cut short");
            }
        }
        return ChangeRecord.fromCompactJson(bytes.array());
    }

    private MappedByteBuffer chunk(long slot) throws IOException {
        int number = (int) (slot / SLOTS_PER_CHUNK);
        while (chunks.size() <= number) {
            long start = (long) chunks.size() * SLOTS_PER_CHUNK * SLOT_BYTES;
            long size = Math.min((long) SLOTS_PER_CHUNK, slots - (long) chunks.size() * SLOTS_PER_CHUNK) * SLOT_BYTES;
            chunks.add(index.map(FileChannel.MapMode.READ_WRITE, start, size));
        }
        return chunks.get(number);
    }

    /** FNV-1a over the id's UTF-16 units, never 0 (0 marks an empty slot). */
    private static long key(String request) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < request.length(); i++) {
            hash ^= request.charAt(i);
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 29;
        return hash == 0 ? 1 : hash;
    }

    @Override
    public void close() {
        try {
            chunks.clear();
            appender.close();
            index.close();
            Files.deleteIfExists(directory.resolve("records"));
            Files.deleteIfExists(directory.resolve("index"));
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
