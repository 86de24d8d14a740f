package io.countersign.journal.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.MerkleLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The journal's own store (writer, group commit, segments, Merkle tree) opened with a clock of the caller's choosing,
 * for the restart benchmark's history generator: {@link FileJournal#open} always stamps entries with the system
 * clock, and a simulated working day needs entries stamped with simulated time. Bench code only; it lives in the
 * journal's package because {@link JournalStore} and {@link JournalOptions} are package-private.
 */
public final class BenchJournal implements Journal, MerkleLog, AutoCloseable {

    private final JournalStore store;

    private BenchJournal(JournalStore store) {
        this.store = store;
    }

    /** Opens (creating if needed, verifying what is there) the journal in {@code directory}, stamping with {@code clock}. */
    public static BenchJournal open(Path directory, Clock clock) throws IOException {
        return new BenchJournal(JournalStore.open(JournalOptions.defaults(directory).withClock(clock)));
    }

    @Override
    public CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
        return store.append(type, data);
    }

    @Override
    public void replay(long fromSeq, Consumer<JournalEntry> consumer) {
        store.replay(fromSeq, consumer);
    }

    @Override
    public List<JournalEntry> read(long fromSeq, int limit) {
        return store.read(fromSeq, limit);
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public byte[] root(long size) {
        return store.merkle().root(size);
    }

    @Override
    public byte[] leafHash(long index) {
        return store.merkle().leafHash(index);
    }

    @Override
    public List<byte[]> inclusionProof(long index, long size) {
        return store.merkle().inclusionProof(index, size);
    }

    @Override
    public List<byte[]> consistencyProof(long fromSize, long toSize) {
        return store.merkle().consistencyProof(fromSize, toSize);
    }

    @Override
    public void close() {
        store.close();
    }
}
