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

    /**
     * Calls {@code consumer} with every durable entry from {@code fromSeq} on, in order and each once: first those
     * already durable (read back), then each new one as soon as it is durable, on a thread of the follower's own
     * (never the appender's), until the returned handle is closed. This is how derived state (snapshots, indexes) is
     * kept off the request path. The entries are shared: the consumer must not modify them. A consumer that throws
     * stops its follower (the failure is logged).
     */
    Following follow(long fromSeq, Consumer<JournalEntry> consumer);

    /** A running {@link #follow}; closing it stops the consumer from being called (after the call in progress). */
    interface Following extends AutoCloseable {

        /** The seq of the next entry the consumer is to be given. */
        long position();

        @Override
        void close();
    }
}
