package io.countersign.audit.fabric.internal;

import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.Journal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checkpoints signed when a test says so. Their notes are {@code origin\nsize\nkeyId\n}; the root depends only on the
 * size, so the fake chaincode can recompute it from a note.
 */
final class FakeCheckpoints implements Checkpoints {

    private final FakeKeys keys;
    private final Journal journal;
    private final List<Checkpoint> signed = new ArrayList<>();

    FakeCheckpoints(FakeKeys keys, Journal journal) {
        this.keys = keys;
        this.journal = journal;
    }

    /** Signs a checkpoint of the whole journal as it is now. */
    synchronized Checkpoint sign() {
        long size = journal.size();
        String note = keys.origin() + "\n" + size + "\n" + keys.current().keyId() + "\n";
        Checkpoint checkpoint = new Checkpoint(keys.origin(), size, rootFor(size),
                Instant.parse("2026-11-22T10:00:00Z").plusSeconds(size), keys.current().keyId(), note);
        signed.add(checkpoint);
        return checkpoint;
    }

    static byte[] rootFor(long size) {
        return MemoryJournal.sha256(("root of " + size).getBytes(StandardCharsets.UTF_8));
    }

    static long sizeOf(String note) {
        return Long.parseLong(note.split("\n")[1]);
    }

    static String keyIdOf(String note) {
        return note.split("\n")[2];
    }

    @Override
    public synchronized Optional<Checkpoint> latest() {
        return signed.isEmpty() ? Optional.empty() : Optional.of(signed.get(signed.size() - 1));
    }

    @Override
    public synchronized Optional<Checkpoint> covering(long seq) {
        return signed.stream().filter(checkpoint -> checkpoint.size() > seq).findFirst();
    }

    @Override
    public synchronized Optional<Checkpoint> ofSize(long size) {
        return signed.stream().filter(checkpoint -> checkpoint.size() == size).findFirst();
    }

    @Override
    public Checkpoint signNow() {
        return sign();
    }
}
