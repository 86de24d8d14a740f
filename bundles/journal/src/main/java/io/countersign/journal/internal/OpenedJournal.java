package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.NavigableMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What opening a journal directory recovered: its tree, index and the state the writer continues from. With a seal
 * that matches the journal, only the entries after it are read (O(tail + log n)); without one, or with
 * {@code verifyOnOpen = full}, every entry is, as before seals existed.
 *
 * @param seal the seal the open started from, or null when it verified every entry
 */
record OpenedJournal(MerkleTree tree, SparseIndex index, Recovery.State state, Seal seal) {

    private static final Logger LOG = LoggerFactory.getLogger(OpenedJournal.class);

    static OpenedJournal recover(JournalOptions options, int chunkBytes) throws IOException {
        Path directory = options.directory();
        DerivedFile.deleteLeftovers(directory);
        if (!options.seal().verifyFullOnOpen()) {
            OpenedJournal sealed = fromSeal(options, chunkBytes, SegmentFiles.list(directory));
            if (sealed != null) {
                return sealed;
            }
        }
        return fromStart(options, chunkBytes);
    }

    private static OpenedJournal fromSeal(JournalOptions options, int chunkBytes, NavigableMap<Long, Path> segments)
            throws IOException {
        Path directory = options.directory();
        Path file = directory.resolve(Seal.FILE);
        Seal seal;
        try {
            seal = Seal.read(file, Seal.MAGIC);
        } catch (DerivedFile.Unusable e) {
            LOG.warn("Journal seal {} is not used ({}); verifying every segment", file, e.getMessage());
            return null;
        }
        if (seal == null) {
            return null;
        }
        MerkleTree tree = MerkleTree.resume(directory, chunkBytes, seal.size(), options.opener());
        try {
            SealCheck.check(seal, segments, tree);
        } catch (DerivedFile.Unusable e) {
            LOG.warn("Journal seal {} ({}) does not match the journal ({}); verifying every segment", file, seal,
                    e.getMessage());
            tree.close();
            return null;
        } catch (IOException | RuntimeException e) {
            tree.close();
            throw e;
        }
        try {
            SparseIndex index = new SparseIndex(directory);
            Recovery.State state = Recovery.runFrom(seal, segments, options.opener(), index, tree);
            finish(tree, directory);
            return new OpenedJournal(tree, index, state, seal);
        } catch (IOException | RuntimeException e) {
            tree.close();
            throw e;
        }
    }

    private static OpenedJournal fromStart(JournalOptions options, int chunkBytes) throws IOException {
        Path directory = options.directory();
        MerkleTree tree = MerkleTree.open(directory, chunkBytes, options.opener());
        try {
            SparseIndex index = new SparseIndex(directory);
            Recovery.State state = Recovery.run(directory, options.opener(), index, tree);
            finish(tree, directory);
            return new OpenedJournal(tree, index, state, null);
        } catch (IOException | RuntimeException e) {
            tree.close();
            throw e;
        }
    }

    private static void finish(MerkleTree tree, Path directory) throws IOException {
        tree.finishRecovery();
        if (tree.rewrittenNodes() > 0) {
            LOG.info("Journal {}: rewrote {} stored Merkle tree nodes that were missing or wrong", directory,
                    tree.rewrittenNodes());
        }
    }
}
