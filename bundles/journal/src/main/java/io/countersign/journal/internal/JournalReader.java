package io.countersign.journal.internal;

import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads durable entries from the segment files, starting at the nearest indexed position. Every entry served is
 * checked against the Merkle tree: its leaf hash must be the stored one, or else (a damaged tree cache) its inclusion
 * proof must lead to the tree's root. Since a sealed open does not read the sealed prefix, this is what refuses an
 * entry altered on disk after it was verified.
 */
final class JournalReader {

    private static final Logger LOG = LoggerFactory.getLogger(JournalReader.class);
    private static final int BUFFER_BYTES = 64 * 1024;

    /** The first record read from an index file's position is not the one it names: the file is wrong. */
    private static final class StalePosition extends Exception {

        private static final long serialVersionUID = 1L;

        StalePosition(String why) {
            super(why, null, false, false);
        }
    }

    private final SparseIndex index;
    private final MerkleTree tree;
    private final EntryCodec codec = new EntryCodec();

    private JournalReader(SparseIndex index, MerkleTree tree) {
        this.index = index;
        this.tree = tree;
    }

    /** Passes entries {@code [fromSeq, endSeq)} to {@code sink}; {@code endSeq} must not pass the durable size. */
    static void read(SparseIndex index, MerkleTree tree, long fromSeq, long endSeq, Consumer<JournalEntry> sink) {
        if (fromSeq < endSeq) {
            new JournalReader(index, tree).read(fromSeq, endSeq, sink);
        }
    }

    private void read(long fromSeq, long endSeq, Consumer<JournalEntry> sink) {
        SparseIndex.Position start = index.floor(fromSeq);
        if (start == null) {
            throw new IllegalStateException("the journal index has no position at or before seq " + fromSeq);
        }
        try {
            try {
                readFrom(start, fromSeq, endSeq, sink);
            } catch (StalePosition e) {
                long firstSeq = index.segmentFirstSeqOf(start.seq());
                if (!index.distrust(firstSeq, e.getMessage())) {
                    throw damaged(start.segment(), start.offset(), start.seq(), e.getMessage());
                }
                readFrom(index.floor(fromSeq), fromSeq, endSeq, sink);
            }
        } catch (StalePosition e) {
            throw damaged(start.segment(), start.offset(), start.seq(), e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the journal at seq " + fromSeq + " failed", e);
        }
    }

    private void readFrom(SparseIndex.Position start, long fromSeq, long endSeq, Consumer<JournalEntry> sink)
            throws IOException, StalePosition {
        long seq = start.seq();
        Path segment = start.segment();
        long offset = start.offset();
        boolean checkFirst = start.fromFile();
        while (seq < endSeq) {
            seq = readSegment(segment, offset, seq, fromSeq, endSeq, checkFirst, sink);
            checkFirst = false;
            if (seq < endSeq) {
                segment = index.segmentStartingAt(seq);
                offset = 0;
                if (segment == null) {
                    throw new IllegalStateException("no journal segment starts at seq " + seq);
                }
            }
        }
    }

    /** Returns the seq after the last record read from this segment. */
    private long readSegment(Path segment, long offset, long seq, long fromSeq, long endSeq, boolean checkFirst,
                             Consumer<JournalEntry> sink) throws IOException, StalePosition {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            SegmentCursor cursor = new SegmentCursor(channel, offset, BUFFER_BYTES);
            boolean first = checkFirst;
            while (seq < endSeq) {
                SegmentCursor.Step step = cursor.next();
                if (step != SegmentCursor.Step.RECORD && first) {
                    throw new StalePosition("no sound record at byte offset " + offset + " for seq " + seq);
                }
                if (step == SegmentCursor.Step.END) {
                    return seq;
                }
                if (step == SegmentCursor.Step.BAD) {
                    throw damaged(segment, cursor.recordOffset(), seq, cursor.problem());
                }
                if (seq >= fromSeq || first) {
                    JournalEntry entry = decode(segment, cursor, seq, first);
                    if (seq >= fromSeq) {
                        sink.accept(entry);
                    }
                }
                first = false;
                seq++;
            }
            return seq;
        }
    }

    private JournalEntry decode(Path segment, SegmentCursor cursor, long seq, boolean fromIndexFile)
            throws StalePosition {
        JournalEntry entry;
        try {
            entry = codec.decode(cursor.payload());
        } catch (EntryCodec.InvalidEntryException e) {
            if (fromIndexFile) {
                throw new StalePosition("the record at byte offset " + cursor.recordOffset() + " is not an entry");
            }
            throw damaged(segment, cursor.recordOffset(), seq, e.getMessage());
        }
        if (entry.seq() != seq) {
            if (fromIndexFile) {
                throw new StalePosition("the record at byte offset " + cursor.recordOffset() + " is seq "
                        + entry.seq() + ", not " + seq);
            }
            throw damaged(segment, cursor.recordOffset(), seq, "the entry says seq " + entry.seq());
        }
        checkLeaf(segment, cursor.recordOffset(), entry);
        return entry;
    }

    private void checkLeaf(Path segment, long offset, JournalEntry entry) {
        byte[] leaf = TreeHasher.forThisThread().leaf(EntryCodec.hashBytes(entry.hash()));
        if (Arrays.equals(leaf, tree.leafHash(entry.seq()))) {
            return;
        }
        if (!tree.proves(entry.seq(), leaf)) {
            throw damaged(segment, offset, entry.seq(), "its hash " + entry.hash() + " is not the one in the journal's"
                    + " Merkle tree");
        }
        LOG.warn("Journal Merkle tree cache {}/{} holds a wrong leaf for seq {} (the entry itself is proven by the"
                + " tree's root); rewriting it", MerkleTree.DIRECTORY, MerkleTree.FILE, entry.seq());
        tree.repairLeaf(entry.seq(), leaf);
    }

    private static IllegalStateException damaged(Path segment, long offset, long seq, String what) {
        return new IllegalStateException("journal segment " + segment + ", byte offset " + offset + ", seq " + seq
                + " changed on disk after it was verified: " + what);
    }
}
