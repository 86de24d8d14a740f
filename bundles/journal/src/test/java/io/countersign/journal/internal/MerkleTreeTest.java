package io.countersign.journal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class MerkleTreeTest {

    // Small chunks, so that the trees below span many of them.
    private static final int CHUNK_BYTES = 1024;

    @TempDir
    Path directory;

    static MerkleTree treeOf(Path directory, List<byte[]> entryHashes, int chunkBytes) throws IOException {
        MerkleTree tree = MerkleTree.open(directory, chunkBytes);
        for (byte[] entryHash : entryHashes) {
            tree.add(entryHash);
        }
        tree.finishRecovery();
        return tree;
    }

    static void assertSameHashes(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(hex(expected), hex(actual), what);
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HexFormat.of()::formatHex).toList();
    }

    @Test
    void everyRootLeafAndProofOfEverySizeUpTo70_matchesTheRfcDefinitions() throws IOException {
        List<byte[]> d = ReferenceTree.entryHashes(70);
        try (MerkleTree tree = treeOf(directory, d, CHUNK_BYTES)) {
            for (int n = 0; n <= d.size(); n++) {
                List<byte[]> prefix = d.subList(0, n);
                assertArrayEquals(ReferenceTree.mth(prefix), tree.root(n), "root of size " + n);
                for (int i = 0; i < n; i++) {
                    assertSameHashes(ReferenceTree.path(i, prefix), tree.inclusionProof(i, n),
                            "inclusion of " + i + " in size " + n);
                }
                for (int m = 0; m <= n; m++) {
                    assertSameHashes(ReferenceTree.proof(m, prefix), tree.consistencyProof(m, n),
                            "consistency " + m + " -> " + n);
                }
            }
            for (int i = 0; i < d.size(); i++) {
                assertArrayEquals(ReferenceTree.leafHash(d.get(i)), tree.leafHash(i), "leaf " + i);
            }
        }
    }

    @Test
    void sizesAroundPowersOfTwo_matchTheRfcDefinitions() throws IOException {
        List<byte[]> d = ReferenceTree.entryHashes((1 << 16) + 1);
        Random random = new Random(9162);
        try (MerkleTree tree = treeOf(directory, d, 4096)) {
            for (int k : new int[] {8, 11, 16}) {
                for (int n : new int[] {(1 << k) - 1, 1 << k, (1 << k) + 1}) {
                    List<byte[]> prefix = d.subList(0, n);
                    assertArrayEquals(ReferenceTree.mth(prefix), tree.root(n), "root of size " + n);
                    for (int i : new int[] {0, 1, n / 2, n - 2, n - 1, random.nextInt(n)}) {
                        assertSameHashes(ReferenceTree.path(i, prefix), tree.inclusionProof(i, n),
                                "inclusion of " + i + " in size " + n);
                    }
                    for (int m : new int[] {1, 2, 1 << (k - 1), (1 << k) - 1, Math.min(n, 1 << k), n - 1,
                            random.nextInt(n)}) {
                        assertSameHashes(ReferenceTree.proof(m, prefix), tree.consistencyProof(m, n),
                                "consistency " + m + " -> " + n);
                    }
                }
            }
        }
    }

    @Test
    void reopenedWithTheSameLeaves_theTreeRewritesOnlyTheDamagedNodes() throws IOException {
        List<byte[]> d = ReferenceTree.entryHashes(5000);
        treeOf(directory, d, CHUNK_BYTES).close();
        Path file = directory.resolve(MerkleTree.DIRECTORY).resolve(MerkleTree.FILE);
        for (long node : new long[] {3, 4321, 9990}) {
            RawSegments.writeAt(file, node * TreeHasher.HASH_BYTES + 31, new byte[] {0x55});
        }
        try (MerkleTree tree = treeOf(directory, d, CHUNK_BYTES)) {
            assertEquals(3, tree.rewrittenNodes());
            for (int n : new int[] {1, 4, 2161, 4096, 4995, 5000}) {
                assertArrayEquals(ReferenceTree.mth(d.subList(0, n)), tree.root(n), "root of size " + n);
            }
        }
        try (MerkleTree tree = treeOf(directory, d, CHUNK_BYTES)) {
            assertEquals(0, tree.rewrittenNodes());
        }
    }

    @Test
    void addedLeaves_areInvisibleUntilPublished() throws IOException {
        List<byte[]> d = ReferenceTree.entryHashes(5);
        try (MerkleTree tree = treeOf(directory, d.subList(0, 3), CHUNK_BYTES)) {
            tree.add(d.get(3));
            tree.add(d.get(4));
            assertEquals(3, tree.size());
            assertThrows(IllegalArgumentException.class, () -> tree.root(4));
            tree.publish();
            assertEquals(5, tree.size());
            assertArrayEquals(ReferenceTree.mth(d), tree.root(5));
        }
    }

    @Test
    void sizesAndIndexesOutsideTheTree_areRefusedWithTheNumbers() throws IOException {
        try (MerkleTree tree = treeOf(directory, ReferenceTree.entryHashes(10), CHUNK_BYTES)) {
            assertRefused(() -> tree.root(-1), "-1");
            assertRefused(() -> tree.root(11), "11", "10");
            assertRefused(() -> tree.leafHash(10), "10");
            assertRefused(() -> tree.leafHash(-1), "-1");
            assertRefused(() -> tree.inclusionProof(5, 5), "5");
            assertRefused(() -> tree.inclusionProof(0, 0), "0");
            assertRefused(() -> tree.inclusionProof(-1, 5), "-1");
            assertRefused(() -> tree.inclusionProof(0, 11), "11", "10");
            assertRefused(() -> tree.consistencyProof(4, 3), "4", "3");
            assertRefused(() -> tree.consistencyProof(-1, 3), "-1");
            assertRefused(() -> tree.consistencyProof(0, 11), "11", "10");
        }
    }

    @Test
    void theEmptyTree_hasTheHashOfNothingAndNoLeaves() throws IOException {
        try (MerkleTree tree = treeOf(directory, List.of(), CHUNK_BYTES)) {
            assertEquals(0, tree.size());
            assertArrayEquals(ReferenceTree.sha256(), tree.root(0));
            assertEquals(List.of(), tree.consistencyProof(0, 0));
            assertRefused(() -> tree.leafHash(0), "0");
        }
    }

    @Test
    void postOrderPositions_numberTheCompleteSubtreesOfAnySizeWithoutGapsOrOverlap() {
        for (long n = 1; n <= 300; n++) {
            Set<Long> positions = new HashSet<>();
            for (int level = 0; (1L << level) <= n; level++) {
                for (long index = 0; (index + 1) << level <= n; index++) {
                    assertTrue(positions.add(MerkleTree.position(level, index)), "level " + level + " index " + index);
                }
            }
            long nodes = 2 * n - Long.bitCount(n);
            assertEquals(nodes, positions.size());
            assertTrue(positions.stream().allMatch(p -> p >= 0 && p < nodes), "positions of size " + n);
        }
    }

    private static void assertRefused(Executable call, String... numbers) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String number : numbers) {
            assertTrue(e.getMessage().contains(number), e.getMessage());
        }
    }
}
