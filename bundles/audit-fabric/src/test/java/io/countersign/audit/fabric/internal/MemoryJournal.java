package io.countersign.audit.fabric.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A journal in memory: every append is durable at once, unless told to fail. */
final class MemoryJournal implements Journal {

    private static final String ZERO = "sha256:" + "0".repeat(64);
    private static final Instant EPOCH = Instant.parse("2026-11-22T10:00:00Z");

    private final List<JournalEntry> entries = new ArrayList<>();
    private RuntimeException appendFailure;

    /** Appends {@code count} entries of an approval flow. */
    synchronized void appendEvents(int count) {
        for (int i = 0; i < count; i++) {
            append("test.event", JsonNodeFactory.instance.objectNode().put("request", "r-" + entries.size()));
        }
    }

    synchronized void failAppends(RuntimeException failure) {
        appendFailure = failure;
    }

    @Override
    public synchronized CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
        if (appendFailure != null) {
            return CompletableFuture.failedFuture(appendFailure);
        }
        long seq = entries.size();
        String prev = seq == 0 ? ZERO : entries.get((int) seq - 1).hash();
        Instant time = EPOCH.plusMillis(seq);
        String hash = "sha256:" + HexFormat.of().formatHex(sha256(JournalEntry.canonicalBytes(seq, time, type, data,
                prev)));
        JournalEntry entry = new JournalEntry(seq, time, type, data, prev, hash);
        entries.add(entry);
        return CompletableFuture.completedFuture(entry);
    }

    @Override
    public synchronized void replay(long fromSeq, Consumer<JournalEntry> consumer) {
        read(fromSeq, Integer.MAX_VALUE).forEach(consumer);
    }

    @Override
    public synchronized List<JournalEntry> read(long fromSeq, int limit) {
        int from = (int) Math.min(fromSeq, entries.size());
        int to = (int) Math.min(entries.size(), fromSeq + (long) limit);
        return List.copyOf(entries.subList(from, Math.max(from, to)));
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    @Override
    public Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
        throw new UnsupportedOperationException("the anchorer does not follow the journal");
    }

    synchronized List<JournalEntry> ofType(String type) {
        return entries.stream().filter(entry -> entry.type().equals(type)).toList();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
