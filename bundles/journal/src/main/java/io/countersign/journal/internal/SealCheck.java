package io.countersign.journal.internal;

import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.NavigableMap;

/**
 * Whether a seal (or the scrubber's progress, which has the same form) still describes the journal, in O(log S): the
 * tree's root of the prefix, the boundary entry and its leaf, and the segment names up to it. Damage inside the
 * prefix is not looked for here; reads and the scrubber find it.
 */
final class SealCheck {

    private static final int BUFFER_BYTES = 64 * 1024;

    private SealCheck() {
    }

    /** Throws {@link DerivedFile.Unusable} saying what does not match. */
    static void check(Seal seal, NavigableMap<Long, Path> segments, MerkleTree tree)
            throws IOException, DerivedFile.Unusable {
        if (segments.isEmpty() || segments.firstKey() != 0) {
            throw new DerivedFile.Unusable("the journal has no segment starting at seq 0");
        }
        Path segment = segments.get(seal.segmentFirstSeq());
        if (segment == null) {
            throw new DerivedFile.Unusable("there is no segment starting at seq " + seal.segmentFirstSeq());
        }
        if (seal.size() > tree.size()) {
            throw new DerivedFile.Unusable("it covers " + seal.size() + " entries but the tree has " + tree.size());
        }
        if (!Arrays.equals(tree.root(seal.size()), seal.root())) {
            throw new DerivedFile.Unusable("the Merkle root of its " + seal.size() + " entries computed from "
                    + MerkleTree.DIRECTORY + "/" + MerkleTree.FILE + " differs from the one it holds");
        }
        checkBoundary(seal, segment);
        byte[] leaf = TreeHasher.forThisThread().leaf(seal.lastHash());
        if (!Arrays.equals(tree.leafHash(seal.size() - 1), leaf)) {
            throw new DerivedFile.Unusable("the stored leaf of seq " + (seal.size() - 1) + " is not its entry's");
        }
    }

    private static void checkBoundary(Seal seal, Path segment) throws IOException, DerivedFile.Unusable {
        long seq = seal.size() - 1;
        String where = "the record of seq " + seq + " at byte offset " + seal.lastRecordOffset() + " of " + segment;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            SegmentCursor cursor = new SegmentCursor(channel, seal.lastRecordOffset(), BUFFER_BYTES);
            if (cursor.next() != SegmentCursor.Step.RECORD) {
                throw new DerivedFile.Unusable(where + " is not a sound record"
                        + (cursor.problem() == null ? "" : " (" + cursor.problem() + ")"));
            }
            if (cursor.offset() != seal.segmentEnd()) {
                throw new DerivedFile.Unusable(where + " ends at " + cursor.offset() + ", not " + seal.segmentEnd());
            }
            JournalEntry entry = new EntryCodec().verify(cursor.payload());
            if (entry.seq() != seq || !entry.hash().equals(seal.lastHashText())
                    || !entry.time().equals(seal.lastTime())) {
                throw new DerivedFile.Unusable(where + " is seq " + entry.seq() + " with hash " + entry.hash()
                        + " at " + entry.time() + ", not the sealed one");
            }
        } catch (EntryCodec.InvalidEntryException e) {
            throw new DerivedFile.Unusable(where + " is not a canonical entry (" + e.getMessage() + ")");
        }
    }
}
