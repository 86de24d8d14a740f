package io.countersign.core.internal;

import io.countersign.api.Journal;
import io.countersign.api.MerkleLog;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's state directory: snapshots of the {@link ShadowProjection} and the {@link RequestIndex} under
 * {@code index/}. All of it is derived from the journal: whatever does not match the journal is ignored (and
 * deleted), and the projection is then rebuilt from an older snapshot or from the first entry.
 */
final class ProjectionStore implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionStore.class);

    /**
     * Where the state lives and how often it is written.
     *
     * @param temporary whether the directory was made for this run only (no data directory is configured): deleted
     *                  on close, so every start replays the journal
     */
    record Options(Path directory, boolean temporary, long snapshotEveryEntries, long snapshotEveryMillis,
                   RequestIndex.Options index) {

        static final long DEFAULT_EVERY_ENTRIES = 25_000;
        static final long DEFAULT_EVERY_MILLIS = 5_000;

        static Options in(Path directory) {
            return new Options(directory, false, DEFAULT_EVERY_ENTRIES, DEFAULT_EVERY_MILLIS,
                    RequestIndex.Options.DEFAULT);
        }

        /** A directory of its own for an engine run outside a node (tools, other bundles' tests). */
        static Options inTemporaryDirectory() {
            try {
                return new Options(Files.createTempDirectory("countersign-core"), true, DEFAULT_EVERY_ENTRIES,
                        DEFAULT_EVERY_MILLIS, RequestIndex.Options.DEFAULT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * The configured directory with {@code ${property}} filled from system properties (bin/setenv sets
         * {@code countersign.data}); a temporary one when a property is not set.
         */
        static Options configured(String directory, long everyEntries, long everyMillis) {
            String resolved = directory.strip();
            var placeholder = java.util.regex.Pattern.compile("\\$\\{([^}]+)}").matcher(resolved);
            StringBuilder filled = new StringBuilder();
            while (placeholder.find()) {
                String value = System.getProperty(placeholder.group(1));
                if (value == null) {
                    LOG.info("{} is not set: the approval core keeps its snapshots in a temporary directory, so"
                            + " each start replays the whole journal", placeholder.group(1));
                    Options temporary = inTemporaryDirectory();
                    return new Options(temporary.directory(), true, everyEntries, everyMillis,
                            temporary.index());
                }
                placeholder.appendReplacement(filled, java.util.regex.Matcher.quoteReplacement(value));
            }
            placeholder.appendTail(filled);
            if (everyEntries < 1 || everyMillis < 1) {
                throw new IllegalArgumentException("snapshotEveryEntries and snapshotEveryMillis must be positive");
            }
            return new Options(Path.of(filled.toString()), false, everyEntries, everyMillis,
                    RequestIndex.Options.DEFAULT);
        }
    }

    private final Options options;
    private final Journal journal;
    private final MerkleLog merkle;
    private RequestIndex index;
    private long restoredFrom;

    ProjectionStore(Options options, Journal journal, MerkleLog merkle) {
        this.options = options;
        this.journal = journal;
        this.merkle = merkle;
    }

    /**
     * The projection of every durable entry: from the newest snapshot that matches the journal and its index, then
     * the tail after it; from the first entry when none does. Writes a snapshot when it had to read a tail.
     */
    ShadowProjection load() throws IOException {
        Path directory = options.directory();
        Files.createDirectories(directory);
        CoreSnapshot.deleteTemporary(directory);
        long size = journal.size();
        ShadowProjection shadow = null;
        for (Path file : CoreSnapshot.newestFirst(directory)) {
            try {
                shadow = restore(CoreSnapshot.read(file), size);
                break;
            } catch (IOException | RuntimeException e) {
                LOG.warn("not using the core snapshot {}: {}; trying an older one, or the whole journal", file,
                        e.getMessage() == null ? e.toString() : e.getMessage());
                closeIndex();
                Files.deleteIfExists(file);
            }
        }
        long from = shadow == null ? 0 : shadow.position();
        restoredFrom = from;
        if (shadow == null) {
            index = RequestIndex.open(indexDirectory(), merkle, 0, options.index());
            shadow = ShadowProjection.empty(index);
        }
        journal.replay(from, shadow::apply);
        if (shadow.position() != from || CoreSnapshot.newestFirst(directory).isEmpty()) {
            try {
                save(shadow);
            } catch (IOException e) {
                // derived data: the node runs without it, and the follower tries again at its next snapshot
                LOG.error("could not write the core snapshot at {} in {}", shadow.position(), directory, e);
            }
        }
        return shadow;
    }

    private ShadowProjection restore(CoreSnapshot snapshot, long journalSize) throws IOException {
        if (snapshot.size() > journalSize) {
            throw new CoreSnapshot.UnusableException("it is at entry " + snapshot.size() + " but the journal has "
                    + journalSize + " (cut, or another journal)");
        }
        if (!Arrays.equals(merkle.root(snapshot.size()), snapshot.root())) {
            throw new CoreSnapshot.UnusableException("its Merkle root differs from the journal's at "
                    + snapshot.size() + " (another journal)");
        }
        index = RequestIndex.open(indexDirectory(), merkle, snapshot.size(), options.index());
        // The runs are checked by the index (root, CRC, a chain from 0); what matters here is that they reach S
        // exactly. Not by name: a compaction may have merged the runs the snapshot names into one.
        if (index.indexedTo() != snapshot.size()) {
            throw new CoreSnapshot.UnusableException("the request index covers " + index.indexedTo()
                    + " entries, not " + snapshot.size() + " (runs missing or damaged)");
        }
        return ShadowProjection.restore(snapshot, index, journal);
    }

    /** Writes the projection's snapshot (after flushing the index up to it) and keeps the newest two. */
    void save(ShadowProjection shadow) throws IOException {
        index.flush();
        if (index.indexedTo() != shadow.position()) {
            throw new IllegalStateException("the request index covers " + index.indexedTo()
                    + " entries but the projection " + shadow.position());
        }
        List<CoreSnapshot.Run> runs = index.runs().stream().map(CoreSnapshot.Run::named).toList();
        shadow.snapshot(merkle.root(shadow.position()), runs).write(options.directory());
        CoreSnapshot.keepNewest(options.directory(), 2);
    }

    /** Where the snapshot {@link #load} used ends (0 without one): what it read is the journal after it. */
    long restoredFrom() {
        return restoredFrom;
    }

    RequestIndex index() {
        return index;
    }

    Options options() {
        return options;
    }

    private Path indexDirectory() {
        return options.directory().resolve("index");
    }

    private void closeIndex() {
        if (index != null) {
            try {
                index.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not close the request index", e);
            }
            index = null;
        }
    }

    @Override
    public void close() {
        closeIndex();
        if (options.temporary()) {
            deleteRecursively(options.directory());
        }
    }

    private static void deleteRecursively(Path directory) {
        try (var files = Files.walk(directory)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("could not delete the temporary state directory {}", directory, e);
        }
    }
}
