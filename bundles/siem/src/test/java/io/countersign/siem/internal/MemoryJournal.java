package io.countersign.siem.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A journal in memory, its entries hashed like the real one's; enough for a sink, which only reads. */
final class MemoryJournal implements Journal {

    private final List<JournalEntry> entries = new ArrayList<>();

    synchronized MemoryJournal add(int count) {
        for (int i = 0; i < count; i++) {
            String prev = entries.isEmpty() ? "sha256:" + "00".repeat(32) : entries.get(entries.size() - 1).hash();
            entries.add(Samples.entry(entries.size(), "test.event", "{\"request\":\"r-" + entries.size() + "\"}",
                    prev));
        }
        return this;
    }

    /** {@code count} entries with the types and data of {@code samples}, cycled, chained anew. */
    synchronized MemoryJournal addFrom(List<JournalEntry> samples, int count) {
        for (int i = 0; i < count; i++) {
            JournalEntry sample = samples.get(i % samples.size());
            String prev = entries.isEmpty() ? "sha256:" + "00".repeat(32) : entries.get(entries.size() - 1).hash();
            entries.add(Samples.entry(entries.size(), sample.type(), sample.data().toString(), prev));
        }
        return this;
    }

    @Override
    public CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
        throw new UnsupportedOperationException("a sink never appends");
    }

    @Override
    public void replay(long fromSeq, Consumer<JournalEntry> consumer) {
        read(fromSeq, Integer.MAX_VALUE).forEach(consumer);
    }

    @Override
    public synchronized List<JournalEntry> read(long fromSeq, int limit) {
        int from = (int) Math.min(fromSeq, entries.size());
        return List.copyOf(entries.subList(from, (int) Math.min(entries.size(), (long) from + limit)));
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    @Override
    public Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
        throw new UnsupportedOperationException("a sink reads, it does not follow");
    }
}
