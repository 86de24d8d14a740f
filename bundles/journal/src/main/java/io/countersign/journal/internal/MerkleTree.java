package io.countersign.journal.internal;

import io.countersign.api.MerkleLog;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The file is derived data: on open, recovery {@link #add}s every entry after the newest valid seal again (every
 * entry without one), which recomputes each node from its children and rewrites the stretches where the stored bytes
 * differ (missing, truncated, stale or corrupt). The sealed prefix is {@link #resume}d as it is, checked against the
 * seal's root, and recomputed in the background by the scrubber ({@link #check}). Appending reads nothing back: the left child of every node a leaf completes is the root of a complete
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

    /**
     * Opens the tree of a journal whose first {@code sealedSize} entries a seal vouches for: the nodes of that prefix
     * are taken from the file as they are (the caller checks {@link #root} against the seal), and the subtrees on its
     * right edge still waiting for a sibling are read back, which is exactly what {@link #add} would have left. The
     * writer's position in the file is right after them; what is added from there is repaired as on a full recovery.
     */
    static MerkleTree resume(Path journalDirectory, int chunkBytes, long sealedSize, ChannelOpener opener)
            throws IOException {
        Path directory = Files.createDirectories(journalDirectory.resolve(DIRECTORY));
        MerkleTree tree = new MerkleTree(NodeFile.open(directory.resolve(FILE), chunkBytes, opener,
                Seal.nodesOf(sealedSize)));
        tree.added = sealedSize;
        tree.size = sealedSize;
        tree.readRightEdge(sealedSize, tree.unpairedRoots);
        return tree;
    }

    /** Adds the next leaf and the subtrees it completes; readers see it after {@link #publish}. Writer only. */
    void add(byte[] entryHash) throws IOException {
        addLeaf(writerHasher, unpairedRoots, added, entryHash, nodes::append);
        added++;
    }

    /** Takes the hashes a leaf adds, in post-order. */
    @FunctionalInterface
    private interface NodeSink {
        void accept(byte[] hash) throws IOException;
    }

    private static void addLeaf(TreeHasher hasher, byte[][] unpairedRoots, long leafIndex, byte[] entryHash,
                                NodeSink sink) throws IOException {
        byte[] hash = hasher.leaf(entryHash);
        sink.accept(hash);
        // Leaf index 0b…0111 completes one subtree per trailing one bit, in post-order: each right after its children.
        int level = 0;
        for (long leaf = leafIndex; (leaf & 1) == 1; leaf >>>= 1) {
            hash = hasher.node(unpairedRoots[level++], hash);
            sink.accept(hash);
        }
        unpairedRoots[level] = hash;
    }

    /**
     * Recomputes the published nodes from entry hashes given again from leaf {@code from} on, on the calling thread,
     * comparing each with the file and, if {@code repair}, rewriting those it holds wrong (for the scrubber, once the
     * entries are known to be the sealed ones). Starting elsewhere than 0 takes the subtrees left of {@code from} from
     * the file; whether they were right shows when {@link Check#root} is compared with a trusted root.
     */
    Check check(long from, boolean repair) {
        return new Check(from, repair);
    }

    /** A recomputation of the published nodes, leaf by leaf; see {@link #check}. */
    final class Check {

        private final TreeHasher hasher = new TreeHasher();
        private final byte[][] roots = new byte[Long.SIZE][];
        private long leaves;
        private long position;
        private final boolean repair;
        private long differing;

        private Check(long from, boolean repair) {
            this.repair = repair;
            leaves = from;
            position = Seal.nodesOf(from);
            readRightEdge(from, roots);
        }

        void add(byte[] entryHash) throws IOException {
            checkIndex(leaves, size);
            addLeaf(hasher, roots, leaves, entryHash, hash -> {
                long at = position++;
                if (repair ? nodes.repair(at, hash) : !Arrays.equals(nodes.read(at), hash)) {
                    differing++;
                }
            });
            leaves++;
        }

        /** How many leaves were added, counting those before {@code from}. */
        long leaves() {
            return leaves;
        }

        /** How many stored nodes differed from their recomputed hash (and were rewritten, if repairing). */
        long differing() {
            return differing;
        }

        /** The root of the leaves so far, computed from the recomputed right edge alone. */
        byte[] root() {
            byte[] hash = null;
            for (int level = 0; level < Long.SIZE - 1; level++) {
                if ((leaves >>> level & 1) == 1) {
                    hash = hash == null ? roots[level] : hasher.node(roots[level], hash);
                }
            }
            return hash == null ? hasher.emptyRoot() : hash;
        }
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
        readRightEdge(keep, unpairedRoots);
    }

    /** Each one bit of the size is a complete subtree on the right edge still waiting for its right sibling. */
    private void readRightEdge(long treeSize, byte[][] into) {
        Arrays.fill(into, null);
        for (int level = 0; level < Long.SIZE - 1; level++) {
            if ((treeSize >>> level & 1) == 1) {
                into[level] = nodes.read(position(level, (treeSize >>> level) - 1));
            }
        }
    }

    /** Makes the nodes written so far durable, before a seal vouches for them. Any thread. */
    void force() throws IOException {
        nodes.force();
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

    /**
     * Whether {@code leaf} is the leaf at {@code index}, judged by the root alone: its inclusion proof, from nodes other
     * than the stored leaf, leads from it to the root of the current size.
     */
    boolean proves(long index, byte[] leaf) {
        long treeSize = size;
        byte[] root = MerkleProofs.rootFromInclusion(TreeHasher.forThisThread(), leaf, index, treeSize,
                inclusionProof(index, treeSize));
        return root != null && Arrays.equals(root, root(treeSize));
    }

    /** Rewrites the stored leaf at {@code index} with one {@link #proves} showed to be right. Any thread. */
    void repairLeaf(long index, byte[] leaf) {
        checkIndex(index, size);
        try {
            nodes.repair(position(0, index), leaf);
        } catch (IOException e) {
            throw new UncheckedIOException("rewriting the stored leaf of seq " + index + " failed", e);
        }
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
