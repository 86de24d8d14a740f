package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 6962 / RFC 9162 proof vectors, valid and corrupted, with the verdicts of an independent implementation
 * (transparency-dev/merkle; see rfc9162-vectors/README.md). Our verdict must be the same, except that we also refuse
 * any hash that is not 32 bytes (that library's consistency check does not look at them) and any size of 2^63 or more
 * (a Java long holds no more; no log has that many entries).
 */
class RfcProofVectorsTest {
    private static JsonNode vectors;
    private final MerkleVerifier merkle = new MerkleVerifier();

    @BeforeAll
    static void read() throws IOException {
        try (InputStream in = RfcProofVectorsTest.class.getResourceAsStream("rfc9162-vectors/transparency-dev-merkle.json")) {
            vectors = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void everyInclusionVector_getsTheIndependentVerdict() {
        List<String> disagreements = new ArrayList<>();
        for (JsonNode v : vectors.get("inclusion")) {
            byte[] leafHash = hash(v.get("leafHash"));
            byte[] root = hash(v.get("root"));
            List<byte[]> path = hashes(v.get("path"));
            boolean expected = v.get("valid").booleanValue() && all32Bytes(leafHash, root, path)
                    && fitsALong(v.get("leafIndex"), v.get("treeSize"));
            String problem = merkle.inclusionProblem(uint64(v.get("leafIndex")), uint64(v.get("treeSize")), leafHash,
                    path, root);
            if ((problem == null) != expected) {
                disagreements.add(v + " -> " + problem);
            }
        }
        assertEquals(List.of(), disagreements);
        assertTrue(vectors.get("inclusion").size() > 1000);
    }

    @Test
    void everyConsistencyVector_getsTheIndependentVerdict() {
        List<String> disagreements = new ArrayList<>();
        for (JsonNode v : vectors.get("consistency")) {
            byte[] fromRoot = hash(v.get("fromRoot"));
            byte[] toRoot = hash(v.get("toRoot"));
            List<byte[]> path = hashes(v.get("path"));
            boolean expected = v.get("valid").booleanValue() && all32Bytes(fromRoot, toRoot, path)
                    && fitsALong(v.get("fromSize"), v.get("toSize"));
            String problem = merkle.consistencyProblem(uint64(v.get("fromSize")), uint64(v.get("toSize")), fromRoot,
                    toRoot, path);
            if ((problem == null) != expected) {
                disagreements.add(v + " -> " + problem);
            }
        }
        assertEquals(List.of(), disagreements);
        assertTrue(vectors.get("consistency").size() > 1000);
    }

    /** A uint64 of 2^63 or more becomes the long with the same 64 bits, as a reader ignoring the sign would see it. */
    private static long uint64(JsonNode number) {
        return number.bigIntegerValue().longValue();
    }

    private static boolean fitsALong(JsonNode first, JsonNode second) {
        return first.canConvertToLong() && second.canConvertToLong();
    }

    private static byte[] hash(JsonNode base64) {
        return Base64.getDecoder().decode(base64.textValue());
    }

    private static List<byte[]> hashes(JsonNode array) {
        List<byte[]> out = new ArrayList<>();
        array.forEach(node -> out.add(hash(node)));
        return out;
    }

    private static boolean all32Bytes(byte[] first, byte[] second, List<byte[]> path) {
        return first.length == 32 && second.length == 32 && path.stream().allMatch(h -> h.length == 32);
    }
}
