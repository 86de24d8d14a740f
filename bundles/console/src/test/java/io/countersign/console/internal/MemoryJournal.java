package io.countersign.console.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A journal in memory, entries chained by hash and timed by {@code clock}: enough for a search, which reads. */
final class MemoryJournal implements Journal {

    private final List<JournalEntry> entries = new ArrayList<>();
    private final Clock clock;
    int reads;
    /** While set, appends fail as a journal that cannot write does. */
    volatile boolean failing;

    MemoryJournal(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
        if (failing) {
            return CompletableFuture.failedFuture(new java.io.IOException("the journal cannot write"));
        }
        String prev = entries.isEmpty() ? "sha256:" + "00".repeat(32) : entries.get(entries.size() - 1).hash();
        long seq = entries.size();
        var time = clock.instant();
        String hash;
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(prev.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            hash = "sha256:" + HexFormat.of().formatHex(digest.digest(JournalEntry.canonicalBytes(seq, time, type,
                    data, prev)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        JournalEntry entry = new JournalEntry(seq, time, type, data, prev, hash);
        entries.add(entry);
        return CompletableFuture.completedFuture(entry);
    }

    @Override
    public void replay(long fromSeq, Consumer<JournalEntry> consumer) {
        read(fromSeq, Integer.MAX_VALUE).forEach(consumer);
    }

    @Override
    public synchronized List<JournalEntry> read(long fromSeq, int limit) {
        reads++;
        int from = (int) Math.min(fromSeq, entries.size());
        return List.copyOf(entries.subList(from, (int) Math.min(entries.size(), (long) from + limit)));
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    @Override
    public Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
        throw new UnsupportedOperationException("the console's search reads, it does not follow");
    }
}
