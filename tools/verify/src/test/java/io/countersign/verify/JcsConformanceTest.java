package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared RFC 8785 vectors (cyberphone/json-canonicalization testdata) must canonicalise byte for byte. */
class JcsConformanceTest {

    static Path vectors() {
        String shared = System.getProperty("countersign.shared");
        assertNotNull(shared, "the build passes -Dcountersign.shared (see the root pom's surefire configuration)");
        Path jcs = Path.of(shared, "conformance", "jcs").toAbsolutePath().normalize();
        if (!Files.isDirectory(jcs.resolve("input"))) {
            // a checkout with nothing beside it: skipped, visibly, instead of failing the build
            String skipped = "SKIPPED the shared RFC 8785 conformance vectors: " + jcs + " is not there"
                    + " (they live in shared/conformance beside the checkout)";
            System.err.println(skipped);
            Assumptions.abort(skipped);
        }
        return jcs;
    }

    static Stream<String> vectorNames() throws IOException {
        try (Stream<Path> inputs = Files.list(vectors().resolve("input"))) {
            List<String> names = inputs.map(p -> p.getFileName().toString()).sorted().toList();
            return names.stream();
        }
    }

    @Test
    void theVectorsArePresent() throws IOException {
        assertTrue(vectorNames().count() >= 6, "expected the six cyberphone vectors");
    }

    @ParameterizedTest
    @MethodSource("vectorNames")
    void canonicalisesTheVector_byteForByte(String name) throws IOException {
        byte[] input = Files.readAllBytes(vectors().resolve("input").resolve(name));
        byte[] expected = Files.readAllBytes(vectors().resolve("output").resolve(name));

        assertArrayEquals(expected, Jcs.canonicalize(Json.read(input)), name);
    }

    @ParameterizedTest
    @MethodSource("vectorNames")
    void theCanonicalCheck_acceptsTheOutput_andRejectsTheInput(String name) throws IOException {
        byte[] input = Files.readAllBytes(vectors().resolve("input").resolve(name));
        byte[] expected = Files.readAllBytes(vectors().resolve("output").resolve(name));

        assertNull(CanonicalJson.deviation(expected), name);
        assertFalse(CanonicalJson.deviation(input) == null, name + " has white space, so it is not canonical");
    }
}
