package io.countersign.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The client canonicalises as the server does: the shared RFC 8785 vectors, byte for byte. */
class CanonicalConformanceTest {

    private static Path vectors() {
        Path dir = Path.of(System.getProperty("countersign.shared", "../../../shared"), "conformance", "jcs")
                .toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("input"))) {
            String skipped = "SKIPPED the shared RFC 8785 conformance vectors: " + dir + " is not there";
            System.err.println(skipped);
            Assumptions.abort(skipped);
        }
        return dir;
    }

    @TestFactory
    Stream<DynamicTest> everySharedVectorCanonicalizesByteForByte() throws IOException {
        Path dir = vectors();
        List<Path> inputs;
        try (Stream<Path> files = Files.list(dir.resolve("input"))) {
            inputs = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(inputs.size() >= 6, "expected the six published vectors, found " + inputs);
        ObjectMapper mapper = new ObjectMapper();
        return inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
            byte[] expected = Files.readAllBytes(dir.resolve("output").resolve(input.getFileName()));
            byte[] actual = Canonical.bytes(mapper.readTree(input.toFile()));
            assertArrayEquals(expected, actual, () -> new String(actual, StandardCharsets.UTF_8));
        }));
    }
}
