package io.countersign.journal.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proofs the tree gives pass the RFC's verification algorithms, and no altered proof does. */
class MerkleProofVerificationTest {

    private static final int MAX_SIZE = 70;

    @TempDir
    Path directory;

    @Test
    void everyInclusionProofVerifies_andEveryAlteredOneFails() throws IOException {
        try (MerkleTree tree = MerkleTreeTest.treeOf(directory, ReferenceTree.entryHashes(MAX_SIZE), 1024)) {
            for (int n = 1; n <= MAX_SIZE; n++) {
                byte[] root = tree.root(n);
                for (int i = 0; i < n; i++) {
                    byte[] leaf = tree.leafHash(i);
                    List<byte[]> path = tree.inclusionProof(i, n);
                    String what = "leaf " + i + " of size " + n;
                    assertTrue(ProofVerifier.verifyInclusion(i, n, leaf, path, root), what);
                    for (List<byte[]> altered : alterations(path, tree.leafHash((i + 1) % n))) {
                        assertFalse(ProofVerifier.verifyInclusion(i, n, leaf, altered, root), "altered " + what);
                    }
                    if (n > 1) {
                        assertFalse(ProofVerifier.verifyInclusion(i, n, tree.leafHash((i + 1) % n), path, root),
                                "another leaf with the path of " + what);
                    }
                    assertFalse(ProofVerifier.verifyInclusion(n, n, leaf, path, root), "index = size, " + what);
                }
            }
        }
    }

    @Test
    void everyConsistencyProofVerifies_andEveryAlteredOneFails() throws IOException {
        try (MerkleTree tree = MerkleTreeTest.treeOf(directory, ReferenceTree.entryHashes(MAX_SIZE), 1024)) {
            for (int n = 0; n <= MAX_SIZE; n++) {
                byte[] newRoot = tree.root(n);
                for (int m = 0; m <= n; m++) {
                    byte[] oldRoot = tree.root(m);
                    List<byte[]> proof = tree.consistencyProof(m, n);
                    String what = m + " -> " + n;
                    assertTrue(ProofVerifier.verifyConsistency(m, n, oldRoot, newRoot, proof), what);
                    for (List<byte[]> altered : alterations(proof, tree.leafHash(0))) {
                        assertFalse(ProofVerifier.verifyConsistency(m, n, oldRoot, newRoot, altered),
                                "altered " + what);
                    }
                    if (m > 0 && n > 1) {
                        byte[] otherRoot = tree.root(m == 1 ? 2 : m - 1);
                        assertFalse(ProofVerifier.verifyConsistency(m, n, otherRoot, newRoot, proof),
                                "a wrong old root, " + what);
                    }
                }
            }
        }
    }

    /** The proof with one node changed, each in turn; with a node added at either end; with either end missing. */
    private static List<List<byte[]>> alterations(List<byte[]> proof, byte[] someOtherNode) {
        List<List<byte[]>> altered = new ArrayList<>();
        for (int i = 0; i < proof.size(); i++) {
            List<byte[]> flipped = new ArrayList<>(proof);
            byte[] node = proof.get(i).clone();
            node[i % node.length] ^= 0x01;
            flipped.set(i, node);
            altered.add(flipped);
        }
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(someOtherNode);
        altered.add(longer);
        List<byte[]> longerInFront = new ArrayList<>(proof);
        longerInFront.add(0, someOtherNode);
        altered.add(longerInFront);
        if (!proof.isEmpty()) {
            altered.add(proof.subList(1, proof.size()));
            altered.add(proof.subList(0, proof.size() - 1));
        }
        return altered;
    }
}
