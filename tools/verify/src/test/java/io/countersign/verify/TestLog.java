package io.countersign.verify;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A journal written the way FORMAT.md says: canonical entry lines chained by {@code prev}, and their
 * hashes in a Merkle tree. Entries are kept in memory, or streamed to {@code sink} for large logs.
 */
final class TestLog {
    static final String GENESIS_PREV = "sha256:" + "0".repeat(64);

    /** One entry as written. */
    record LogEntry(long seq, Instant time, String type, Map<String, Object> data, String line, byte[] hash) {
        String request() {
            return (String) data.get("request");
        }
    }

    private final OutputStream sink;
    private final List<LogEntry> entries = new ArrayList<>();
    final TestMerkleTree tree = new TestMerkleTree();
    private Instant clock = Instant.parse("2026-11-22T10:00:00Z");
    private String prev = GENESIS_PREV;
    private long size;

    TestLog(OutputStream sink) {
        this.sink = sink;
    }

    /** The time the next entry will get: one millisecond after the last, so times vary in form and never repeat. */
    Instant nextTime() {
        return clock.plusMillis(1);
    }

    Instant lastTime() {
        return clock;
    }

    LogEntry append(String type, Map<String, Object> data) {
        clock = nextTime();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("seq", size);
        entry.put("time", clock.toString());
        entry.put("type", type);
        entry.put("data", data);
        entry.put("prev", prev);
        String line = TestCanonicalJson.write(entry);
        byte[] hash = TestMerkleTree.hash(line.getBytes(StandardCharsets.UTF_8));
        prev = "sha256:" + HexFormat.of().formatHex(hash);
        tree.add(hash);
        LogEntry written = new LogEntry(size++, clock, type, data, line, hash);
        if (sink == null) {
            entries.add(written);
        } else {
            write(line);
        }
        return written;
    }

    private void write(String line) {
        try {
            sink.write(line.getBytes(StandardCharsets.UTF_8));
            sink.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long size() {
        return size;
    }

    List<LogEntry> entries() {
        return entries;
    }

    LogEntry entry(long seq) {
        return entries.get((int) seq);
    }
}
