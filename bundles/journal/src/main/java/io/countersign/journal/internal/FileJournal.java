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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/** The {@link Journal} and {@link MerkleLog} services over a {@link JournalStore} in the configured directory. */
@Component(service = {Journal.class, MerkleLog.class}, configurationPid = "io.countersign.journal",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = Config.class)
public final class FileJournal implements Journal, MerkleLog, AutoCloseable {

    private volatile JournalStore store;

    @Activate
    void activate(Config config) throws IOException {
        store = JournalStore.open(options(config));
    }

    /**
     * Opens a journal outside OSGi, for tools and other bundles' tests; {@link #close()} it when done.
     *
     * @param segmentBytes size each segment file is preallocated to
     */
    public static FileJournal open(Path directory, long segmentBytes) throws IOException {
        FileJournal journal = new FileJournal();
        JournalOptions defaults = JournalOptions.defaults(directory);
        journal.store = JournalStore.open(new JournalOptions(directory, defaults.maxBatch(), segmentBytes,
                defaults.queueCapacity(), ChannelOpener.DEFAULT, Clock.systemUTC()));
        return journal;
    }

    @Deactivate
    @Override
    public void close() {
        store.close();
    }

    static JournalOptions options(Config config) {
        String directory = config.directory();
        if (directory == null || directory.isBlank()) {
            throw new IllegalArgumentException("the journal configuration must set 'directory'");
        }
        return new JournalOptions(Path.of(directory.trim()), config.maxBatch(), config.segmentBytes(),
                config.queueCapacity(), ChannelOpener.DEFAULT, Clock.systemUTC());
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

    /** The number of durable entries, which is also the size of the Merkle tree. */
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
}
