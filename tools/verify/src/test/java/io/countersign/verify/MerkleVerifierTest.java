package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier's RFC 9162 algorithms against the test side's recursive definitions, for every small size. */
class MerkleVerifierTest {
    private static final int MAX = 70;
    private static final TestMerkleTree TREE = TestMerkleTree.withLeaves(MAX);
    private final MerkleVerifier merkle = new MerkleVerifier();

    @Test
    void everyInclusionProofVerifies_andAnyChangedNodeDoesNot() {
        for (int size = 1; size <= MAX; size++) {
            for (int leaf = 0; leaf < size; leaf++) {
                List<byte[]> path = TREE.inclusion(leaf, size);
                byte[] root = TREE.root(size);
                assertNull(merkle.inclusionProblem(leaf, size, TREE.leafHash(leaf), path, root), leaf + "/" + size);
                assertEquals(path.size(), MerkleVerifier.inclusionPathLength(leaf, size));
                for (int i = 0; i < path.size(); i++) {
                    List<byte[]> wrong = new ArrayList<>(path);
                    wrong.set(i, TestMerkleTree.hash(path.get(i)));
                    assertNotNull(merkle.inclusionProblem(leaf, size, TREE.leafHash(leaf), wrong, root));
                }
            }
        }
    }

    @Test
    void inclusion_rejectsExtraAndMissingNodes_andAnIndexOutsideTheTree() {
        List<byte[]> path = new ArrayList<>(TREE.inclusion(5, 40));
        byte[] root = TREE.root(40);
        List<byte[]> longer = new ArrayList<>(path);
        longer.add(new byte[32]);
        assertTrue(merkle.inclusionProblem(5, 40, TREE.leafHash(5), longer, root).contains("needs " + path.size()));
        assertTrue(merkle.inclusionProblem(5, 40, TREE.leafHash(5), path.subList(1, path.size()), root)
                .contains("needs " + path.size()));
        assertTrue(merkle.inclusionProblem(40, 40, TREE.leafHash(5), path, root).contains("not below the tree size"));
        assertNull(merkle.inclusionProblem(0, 1, TREE.leafHash(0), List.of(), TREE.root(1)));
    }

    @Test
    void everyConsistencyProofVerifies_andAnyChangedNodeDoesNot() {
        for (int to = 1; to <= MAX; to++) {
            for (int from = 0; from <= to; from++) {
                List<byte[]> path = TREE.consistency(from, to);
                byte[] oldRoot = TREE.root(from);
                byte[] newRoot = TREE.root(to);
                assertNull(merkle.consistencyProblem(from, to, oldRoot, newRoot, path), from + "->" + to);
                for (int i = 0; i < path.size(); i++) {
                    List<byte[]> wrong = new ArrayList<>(path);
                    wrong.set(i, TestMerkleTree.hash(path.get(i)));
                    assertNotNull(merkle.consistencyProblem(from, to, oldRoot, newRoot, wrong), from + "->" + to);
                }
                if (from > 0 && from < to) {
                    assertNotNull(merkle.consistencyProblem(from, to, TREE.root(from - 1), newRoot, path));
                    List<byte[]> longer = new ArrayList<>(path);
                    longer.add(new byte[32]);
                    assertNotNull(merkle.consistencyProblem(from, to, oldRoot, newRoot, longer));
                }
            }
        }
    }

    @Test
    void consistency_edgeCases() {
        byte[] root = TREE.root(8);
        assertNull(merkle.consistencyProblem(8, 8, root, root, List.of()));
        assertTrue(merkle.consistencyProblem(8, 8, root, TREE.root(9), List.of()).contains("two different roots"));
        assertTrue(merkle.consistencyProblem(8, 8, root, root, List.of(root)).contains("empty path"));
        assertNull(merkle.consistencyProblem(0, 8, TREE.root(0), root, List.of()));
        assertTrue(merkle.consistencyProblem(9, 8, root, root, List.of()).contains("larger"));
    }
}
