package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Merkle verifier on its own, given indices, sizes and hashes no parser has checked (issue 13 §3). */
// before the checks, a negative tree size made the path length loop forever on its sign bit
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UntrustedProofInputsTest {
    private static final int MAX = 70;
    private static final TestMerkleTree TREE = TestMerkleTree.withLeaves(MAX);
    private final MerkleVerifier merkle = new MerkleVerifier();

    @Test
    void inclusion_rejectsANegativeLeafIndex() {
        String problem = merkle.inclusionProblem(-1, 1, TREE.leafHash(0), List.of(), TREE.root(1));

        assertNotNull(problem);
        assertTrue(problem.contains("negative"), problem);
    }

    @Test
    void inclusion_aProofForLeafI_ofAPowerOfTwoTree_doesNotVerifyAtIMinusTheSize() {
        for (int size = 1; size <= 64; size *= 2) {
            for (int leaf = 0; leaf < size; leaf++) {
                List<byte[]> path = TREE.inclusion(leaf, size);
                assertNull(merkle.inclusionProblem(leaf, size, TREE.leafHash(leaf), path, TREE.root(size)));
                assertNotNull(merkle.inclusionProblem(leaf - size, size, TREE.leafHash(leaf), path, TREE.root(size)),
                        (leaf - size) + "/" + size);
            }
        }
    }

    @Test
    void inclusion_rejectsANegativeTreeSize() {
        assertTrue(merkle.inclusionProblem(-2, -1, TREE.leafHash(0), List.of(), TREE.root(1)).contains("negative"));
    }

    @Test
    void consistency_rejectsNegativeSizes() {
        byte[] root = TREE.root(8);
        assertTrue(merkle.consistencyProblem(-1, -1, root, root, List.of()).contains("negative"));
        assertTrue(merkle.consistencyProblem(-1, 8, root, root, List.of()).contains("negative"));
        for (int to = 2; to <= MAX; to++) {
            for (int from = 1; from < to; from++) {
                List<byte[]> path = TREE.consistency(from, to);
                for (long shift = 1; shift <= 128; shift *= 2) {
                    assertNotNull(merkle.consistencyProblem(from - shift, to, TREE.root(from), TREE.root(to), path),
                            (from - shift) + "->" + to);
                }
            }
        }
    }

    @Test
    void emptyHashes_giveAReason() {
        byte[] empty = new byte[0];
        assertTrue(merkle.inclusionProblem(0, 1, empty, List.of(), empty).contains("0 bytes"));
        assertTrue(merkle.consistencyProblem(2, 2, empty, empty, List.of()).contains("0 bytes"));
        assertTrue(merkle.consistencyProblem(0, 2, empty, TREE.root(2), List.of()).contains("0 bytes"));
    }

    @Test
    void nineByteHashes_giveAReason_notAnException() {
        byte[] nine = new byte[9];
        assertTrue(merkle.inclusionProblem(0, 2, nine, List.of(TREE.leafHash(1)), TREE.root(2)).contains("9 bytes"));
        assertTrue(merkle.inclusionProblem(0, 2, TREE.leafHash(0), List.of(nine), TREE.root(2)).contains("9 bytes"));
        assertTrue(merkle.inclusionProblem(0, 2, TREE.leafHash(0), TREE.inclusion(0, 2), nine).contains("9 bytes"));
        assertTrue(merkle.consistencyProblem(1, 2, nine, TREE.root(2), List.of(nine)).contains("9 bytes"));
        assertTrue(merkle.consistencyProblem(3, 4, TREE.root(3), TREE.root(4), List.of(nine, nine, nine))
                .contains("9 bytes"));
    }

    @Test
    void aPathNodeWithTrailingBytes_doesNotVerify() {
        List<byte[]> path = new ArrayList<>(TREE.inclusion(5, 40));
        path.set(1, Arrays.copyOf(path.get(1), 33));
        assertTrue(merkle.inclusionProblem(5, 40, TREE.leafHash(5), path, TREE.root(40)).contains("33 bytes"));

        List<byte[]> consistency = new ArrayList<>(TREE.consistency(5, 40));
        consistency.set(0, Arrays.copyOf(consistency.get(0), 33));
        assertTrue(merkle.consistencyProblem(5, 40, TREE.root(5), TREE.root(40), consistency).contains("33 bytes"));
    }

    @Test
    void missingHashes_giveAReason() {
        assertNotNull(merkle.inclusionProblem(0, 1, null, List.of(), TREE.root(1)));
        assertNotNull(merkle.inclusionProblem(0, 1, TREE.leafHash(0), null, TREE.root(1)));
        assertNotNull(merkle.consistencyProblem(1, 2, TREE.root(1), null, TREE.inclusion(0, 2)));
        assertNotNull(merkle.consistencyProblem(1, 2, TREE.root(1), TREE.root(2), Arrays.asList((byte[]) null)));
    }
}
