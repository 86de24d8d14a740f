package io.countersign.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The append-only, hash-chained record of everything Countersign does.
 * <p>
 * Entries are ordered in the order {@link #append} is called; the returned future completes only once the entry
 * is on stable storage, and futures complete in journal order: the journal never acknowledges what it could not make
 * durable. A write that fails (a full disk) is retried with backoff and the appends already taken wait for it, so
 * each is written, and acknowledged, exactly once; a failed fsync fails the future and every later append until the
 * journal is reopened. An append the journal cannot take (its queue is full, or it has failed or closed) fails at
 * once with {@link RequestRejectedException.Reason#UNAVAILABLE}.
 */
@ProviderType
public interface Journal {

    /** Appends an entry; {@code data} must not be modified afterwards. */
    CompletableFuture<JournalEntry> append(String type, ObjectNode data);

    /** Calls {@code consumer} with every durable entry from {@code fromSeq} on, in order. */
    void replay(long fromSeq, Consumer<JournalEntry> consumer);

    /** Up to {@code limit} durable entries starting at {@code fromSeq}. */
    List<JournalEntry> read(long fromSeq, int limit);

    /** How many entries are durable. */
    long size();
}
