package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.MerkleLog;
import io.countersign.journal.internal.FileJournal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A real journal that counts what is read from it by replays and reads (not by followers). */
final class CountingJournal implements Journal, MerkleLog {

    final List<Long> replaysFrom = new CopyOnWriteArrayList<>();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong read = new AtomicLong();
    private final FileJournal journal;

    CountingJournal(FileJournal journal) {
        this.journal = journal;
    }

    /** Entries read by replays and reads together. */
    long entriesRead() {
        return replayed.get() + read.get();
    }

    @Override
    public CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
        return journal.append(type, data);
    }

    @Override
    public void replay(long fromSeq, Consumer<JournalEntry> consumer) {
        replaysFrom.add(fromSeq);
        journal.replay(fromSeq, entry -> {
            replayed.incrementAndGet();
            consumer.accept(entry);
        });
    }

    @Override
    public List<JournalEntry> read(long fromSeq, int limit) {
        List<JournalEntry> entries = journal.read(fromSeq, limit);
        read.addAndGet(entries.size());
        return entries;
    }

    @Override
    public long size() {
        return journal.size();
    }

    @Override
    public Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
        return journal.follow(fromSeq, consumer);
    }

    @Override
    public byte[] root(long size) {
        return journal.root(size);
    }

    @Override
    public byte[] leafHash(long index) {
        return journal.leafHash(index);
    }

    @Override
    public List<byte[]> inclusionProof(long index, long size) {
        return journal.inclusionProof(index, size);
    }

    @Override
    public List<byte[]> consistencyProof(long fromSize, long toSize) {
        return journal.consistencyProof(fromSize, toSize);
    }
}
