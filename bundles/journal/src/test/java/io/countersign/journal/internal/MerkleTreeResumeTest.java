package io.countersign.journal.internal;

import static io.countersign.journal.internal.MerkleTreeTest.assertSameHashes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MerkleTreeResumeTest {

    private static final int CHUNK_BYTES = 1024;
    private static final int LEAVES = 1100;

    @TempDir
    Path directory;

    /** Every size up to 70, and powers of two and their neighbours up to the tree's size. */
    private static TreeSet<Long> sealedSizes() {
        TreeSet<Long> sizes = new TreeSet<>();
        for (long s = 0; s <= 70; s++) {
            sizes.add(s);
        }
        for (long power = 1; power <= LEAVES; power <<= 1) {
            sizes.add(power - 1);
            sizes.add(power);
            sizes.add(Math.min(LEAVES, power + 1));
        }
        sizes.add((long) LEAVES);
        return sizes;
    }

    @Test
    void aTreeResumedAtAnySealedSize_thenGrown_isTheTreeBuiltFromZero() throws IOException {
        List<byte[]> d = ReferenceTree.entryHashes(LEAVES);
        try (MerkleTree full = MerkleTreeTest.treeOf(directory.resolve("full"), d, CHUNK_BYTES)) {
            for (long sealed : sealedSizes()) {
                Path journal = Files.createDirectories(directory.resolve("sealed-" + sealed));
                MerkleTreeTest.treeOf(journal, d.subList(0, (int) sealed), CHUNK_BYTES).close();
                try (MerkleTree resumed = MerkleTree.resume(journal, CHUNK_BYTES, sealed, ChannelOpener.DEFAULT)) {
                    assertEquals(sealed, resumed.size());
                    assertArrayEquals(full.root(sealed), resumed.root(sealed), "root of the sealed size " + sealed);
                    for (byte[] entryHash : d.subList((int) sealed, LEAVES)) {
                        resumed.add(entryHash);
                    }
                    resumed.finishRecovery();
                    // The file held nothing after the seal: every node from there on is new, none before it rewritten.
                    assertEquals(Seal.nodesOf(LEAVES) - Seal.nodesOf(sealed), resumed.rewrittenNodes(),
                            "nodes written after resuming at " + sealed);
                    assertSameTree(full, resumed, sealed);
                }
            }
        }
    }

    @Test
    void aResumedTree_doesNotLookBelowTheSeal_soItsRootShowsADamagedRightEdge() throws IOException {
        List<byte[]> d = ReferenceTree.entryHashes(100);
        MerkleTreeTest.treeOf(directory, d, CHUNK_BYTES).close();
        byte[] expected;
        try (MerkleTree resumed = MerkleTree.resume(directory, CHUNK_BYTES, 100, ChannelOpener.DEFAULT)) {
            expected = resumed.root(100);
            assertArrayEquals(ReferenceTree.mth(d), expected);
        }
        // 100 = 64 + 32 + 4: the subtree of leaves 96..99 is one of the roots read back.
        Path nodes = directory.resolve(MerkleTree.DIRECTORY).resolve(MerkleTree.FILE);
        long position = MerkleTree.position(2, 24);
        RawSegments.writeAt(nodes, position * TreeHasher.HASH_BYTES, new byte[] {1, 2, 3});
        try (MerkleTree resumed = MerkleTree.resume(directory, CHUNK_BYTES, 100, ChannelOpener.DEFAULT)) {
            assertEquals(false, java.util.Arrays.equals(expected, resumed.root(100)));
        }
    }

    private static void assertSameTree(MerkleTree expected, MerkleTree actual, long sealed) {
        long n = expected.size();
        assertEquals(n, actual.size());
        for (long size = 0; size <= n; size += size < 80 ? 1 : 37) {
            assertArrayEquals(expected.root(size), actual.root(size), "root of " + size + " (sealed at " + sealed + ")");
        }
        for (long i = 0; i < n; i += i < 80 ? 1 : 29) {
            assertArrayEquals(expected.leafHash(i), actual.leafHash(i), "leaf " + i + " (sealed at " + sealed + ")");
            assertSameHashes(expected.inclusionProof(i, n), actual.inclusionProof(i, n),
                    "inclusion of " + i + " (sealed at " + sealed + ")");
        }
        for (long m : new long[] {0, 1, sealed / 2, sealed, Math.min(n, sealed + 1), n - 1, n}) {
            if (m >= 0 && m <= n) {
                assertSameHashes(expected.consistencyProof(m, n), actual.consistencyProof(m, n),
                        "consistency " + m + " -> " + n + " (sealed at " + sealed + ")");
            }
        }
    }
}
