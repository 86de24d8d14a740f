package io.countersign.journal.internal;

import io.countersign.api.MerkleLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The journal's RFC 9162 Merkle tree. It keeps the hash of every complete subtree (a perfect subtree of 2^level
 * leaves starting at a multiple of 2^level, the leaves included) in one file, {@code merkle/nodes.bin}, read through
 * memory mappings, in post-order: the order in which appends complete them. Appends therefore only ever write at the end of the file,
 * and the heap holds nothing per entry; the file takes 64 bytes per entry. Any subtree the RFC's recursion asks for
 * is either such a complete subtree, read directly, or one ending at the tree's right edge, which is the fold of at
 * most 63 complete ones: so every size up to {@link #size()} can be answered, not only the newest.
 * <p>
 * Every level lives in the file, none on the heap: keeping even levels 3 and up on the heap would cost 8 bytes per
 * entry, which the collector would have to copy and scan, whereas the file is page cache that the kernel can drop and
 * read back. One layout for all levels also keeps the code simple.
 * <p>
 * The file is derived data and never trusted: on open, recovery {@link #add}s every entry again, which recomputes
 * each node from its children and rewrites the stretches where the stored bytes differ (missing, truncated, stale or
 * corrupt). Appending reads nothing back: the left child of every node a leaf completes is the root of a complete
 * subtree still waiting for its right sibling, and there is at most one of those per level, kept on the heap.
 * <p>
 * One thread writes ({@link #add}, {@link #publish}); readers on any thread see the tree of the last published size,
 * whose nodes are never written again.
 */
final class MerkleTree implements MerkleLog, Closeable {

    static final String DIRECTORY = "merkle";
    static final String FILE = "nodes.bin";

    private final NodeFile nodes;
    private final TreeHasher writerHasher = new TreeHasher();
    private final byte[][] unpairedRoots = new byte[Long.SIZE][];
    private long added;
    private volatile long size;

    private MerkleTree(NodeFile nodes) {
        this.nodes = nodes;
    }

    /**
     * Opens the tree file of the journal in {@code journalDirectory} with no leaves published yet, to be given every
     * entry again and then {@link #finishRecovery}.
     */
    static MerkleTree open(Path journalDirectory, int chunkBytes) throws IOException {
        return open(journalDirectory, chunkBytes, ChannelOpener.DEFAULT);
    }

    static MerkleTree open(Path journalDirectory, int chunkBytes, ChannelOpener opener) throws IOException {
        Path directory = Files.createDirectories(journalDirectory.resolve(DIRECTORY));
        return new MerkleTree(NodeFile.open(directory.resolve(FILE), chunkBytes, opener));
    }

    /** Adds the next leaf and the subtrees it completes; readers see it after {@link #publish}. Writer only. */
    void add(byte[] entryHash) throws IOException {
        byte[] hash = writerHasher.leaf(entryHash);
        nodes.append(hash);
        // Leaf index 0b…0111 completes one subtree per trailing one bit, in post-order: each right after its children.
        int level = 0;
        for (long leaf = added; (leaf & 1) == 1; leaf >>>= 1) {
            hash = writerHasher.node(unpairedRoots[level++], hash);
            nodes.append(hash);
        }
        unpairedRoots[level] = hash;
        added++;
    }

    /** Makes every added leaf visible to readers. Writer only. */
    void publish() throws IOException {
        nodes.flush();
        size = added;
    }

    /**
     * Forgets the leaves added since the last {@link #publish} after adding or publishing them failed (the node file
     * could not grow: a full disk), so that the writer can add them again: the tree is back at its published size.
     * Writer only.
     */
    void discardUnpublished() {
        long keep = size;
        nodes.truncateTo(2 * keep - Long.bitCount(keep));
        added = keep;
        // Each one bit of the size is a complete subtree on the right edge still waiting for its right sibling.
        Arrays.fill(unpairedRoots, null);
        for (int level = 0; level < Long.SIZE - 1; level++) {
            if ((keep >>> level & 1) == 1) {
                unpairedRoots[level] = nodes.read(position(level, (keep >>> level) - 1));
            }
        }
    }

    /** Publishes the entries recovery added; what the writer adds from here on is new to the file. */
    void finishRecovery() throws IOException {
        publish();
        nodes.endRepair();
    }

    /** How many stored nodes recovery found missing or wrong, and rewrote. */
    long rewrittenNodes() {
        return nodes.rewritten();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] root(long treeSize) {
        checkSize("tree size", treeSize, size);
        return treeSize == 0 ? TreeHasher.forThisThread().emptyRoot() : subtree(0, treeSize);
    }

    @Override
    public byte[] leafHash(long index) {
        checkIndex(index, size);
        return nodes.read(position(0, index));
    }

    @Override
    public List<byte[]> inclusionProof(long index, long treeSize) {
        checkSize("tree size", treeSize, size);
        checkIndex(index, treeSize);
        return MerkleProofs.inclusion(this::subtree, index, treeSize);
    }

    @Override
    public List<byte[]> consistencyProof(long fromSize, long toSize) {
        checkSize("toSize", toSize, size);
        if (fromSize < 0 || fromSize > toSize) {
            throw new IllegalArgumentException("fromSize " + fromSize + " must be between 0 and toSize " + toSize);
        }
        return MerkleProofs.consistency(this::subtree, fromSize, toSize);
    }

    @Override
    public void close() throws IOException {
        nodes.close();
    }

    /**
     * {@code MTH(D[start:end])} for a subtree the RFC's split reaches. The split keeps cutting off the largest power of
     * two that fits, so a right-edge subtree is its complete pieces, one per one bit of its width, folded from the
     * right: the smallest piece comes last.
     */
    private byte[] subtree(long start, long end) {
        TreeHasher hasher = TreeHasher.forThisThread();
        byte[] hash = null;
        long pieceEnd = end;
        for (long remaining = end - start; remaining != 0; ) {
            long width = Long.lowestOneBit(remaining);
            int level = Long.numberOfTrailingZeros(width);
            long pieceStart = pieceEnd - width;
            byte[] piece = nodes.read(position(level, pieceStart >>> level));
            hash = hash == null ? piece : hasher.node(piece, hash);
            remaining -= width;
            pieceEnd = pieceStart;
        }
        return hash;
    }

    /**
     * Where the complete subtree {@code index} of {@code level} lies in post-order. Before leaf {@code x} come the
     * {@code 2x - bitCount(x)} nodes of leaves 0 to x-1, then x itself and the {@code level} subtrees it completes.
     */
    static long position(int level, long index) {
        long lastLeaf = ((index + 1) << level) - 1;
        return 2 * lastLeaf - Long.bitCount(lastLeaf) + level;
    }

    private static void checkSize(String name, long treeSize, long current) {
        if (treeSize < 0 || treeSize > current) {
            throw new IllegalArgumentException(name + " " + treeSize + " must be between 0 and the current tree size "
                    + current);
        }
    }

    private static void checkIndex(long index, long treeSize) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf index " + index + " is not in the tree of size " + treeSize
                    + " (leaf indexes run from 0 to size - 1)");
        }
    }
}
