package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The {@code proofs.json} member (§4, §7), with any proof that cannot be read listed as a problem. */
record Proofs(List<Inclusion> inclusion, List<Consistency> consistency, List<String> problems) {

    /** An RFC 9162 §2.1.3 inclusion proof; its informative {@code leafHash} is not kept. */
    record Inclusion(long leafIndex, long treeSize, List<byte[]> path) {
    }

    /** An RFC 9162 §2.1.4 consistency proof. */
    record Consistency(long fromSize, long toSize, List<byte[]> path) {
    }

    static Proofs parse(JsonNode document) {
        List<String> problems = new ArrayList<>();
        List<Inclusion> inclusion = new ArrayList<>();
        List<Consistency> consistency = new ArrayList<>();
        for (JsonNode proof : array(document, "inclusion", problems)) {
            long leafIndex = Json.naturalNumber(proof, "leafIndex");
            long treeSize = Json.naturalNumber(proof, "treeSize");
            List<byte[]> path = path(proof);
            if (leafIndex < 0 || treeSize < 0 || path == null) {
                problems.add("inclusion proof " + proof + " is malformed");
            } else {
                inclusion.add(new Inclusion(leafIndex, treeSize, path));
            }
        }
        for (JsonNode proof : array(document, "consistency", problems)) {
            long fromSize = Json.naturalNumber(proof, "fromSize");
            long toSize = Json.naturalNumber(proof, "toSize");
            List<byte[]> path = path(proof);
            if (fromSize < 0 || toSize < 0 || path == null) {
                problems.add("consistency proof " + proof + " is malformed");
            } else {
                consistency.add(new Consistency(fromSize, toSize, path));
            }
        }
        return new Proofs(List.copyOf(inclusion), List.copyOf(consistency), List.copyOf(problems));
    }

    List<Inclusion> inclusionFor(long leafIndex) {
        return inclusion.stream().filter(p -> p.leafIndex() == leafIndex).toList();
    }

    List<Consistency> consistencyBetween(long fromSize, long toSize) {
        return consistency.stream().filter(p -> p.fromSize() == fromSize && p.toSize() == toSize).toList();
    }

    private static List<JsonNode> array(JsonNode document, String member, List<String> problems) {
        JsonNode value = document.get(member);
        List<JsonNode> elements = new ArrayList<>();
        if (value == null || !value.isArray()) {
            problems.add("\"" + member + "\" is missing or not an array");
        } else {
            value.forEach(elements::add);
        }
        return elements;
    }

    private static List<byte[]> path(JsonNode proof) {
        JsonNode path = proof.get("path");
        if (path == null || !path.isArray()) {
            return null;
        }
        List<byte[]> hashes = new ArrayList<>(path.size());
        for (JsonNode node : path) {
            byte[] hash = node.isTextual() ? Encodings.base64(node.textValue()) : null;
            if (hash == null || hash.length != 32) {
                return null;
            }
            hashes.add(hash);
        }
        return hashes;
    }
}
