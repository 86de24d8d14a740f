package io.countersign.api.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JcsConformanceTest {

    /** The shared vectors, or the test is skipped (and says so) in a checkout with nothing beside it. */
    static Path vectors() {
        String shared = System.getProperty("countersign.shared", "../../../shared");
        Path dir = Path.of(shared, "conformance", "jcs").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("input"))) {
            String skipped = "SKIPPED the shared RFC 8785 conformance vectors: " + dir + " is not there"
                    + " (they live in shared/conformance beside the checkout)";
            System.err.println(skipped);
            Assumptions.abort(skipped);
        }
        return dir;
    }

    @Test
    void theSharedVectorsAreThere() throws IOException {
        try (Stream<Path> files = Files.list(vectors().resolve("input"))) {
            assertTrue(files.count() >= 6, "expected the six published vectors");
        }
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
            byte[] actual = Jcs.canonicalize(mapper.readTree(input.toFile()));
            assertArrayEquals(expected, actual, () -> "canonical form of " + input.getFileName()
                    + " was " + new String(actual, java.nio.charset.StandardCharsets.UTF_8));
        }));
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "-0.0, 0",
            "1, 1",
            "-1, -1",
            "0.1, 0.1",
            "1.0E21, 1e+21",
            "1.0E20, 100000000000000000000",
            "1.0E-6, 0.000001",
            "1.0E-7, 1e-7",
            "123456789012345680000, 123456789012345680000",
            "5.0E-324, 5e-324",
            "1.7976931348623157E308, 1.7976931348623157e+308",
            "9007199254740992, 9007199254740992",
            "0.3, 0.3",
            "333333333.33333329, 333333333.3333333",
            "-1.5E-9, -1.5e-9",
            "2.2250738585072014E-308, 2.2250738585072014e-308",
            "4.35, 4.35",
            "295147905179352830000, 295147905179352830000"
    })
    void numbersUseTheEcmaScriptForm(double value, String expected) {
        assertEquals(expected, Jcs.numberToString(value));
    }

    @Test
    void everyNumberRoundTripsAndIsNoLongerThanJavasOwnShortestForm() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(8785);
        for (int i = 0; i < 200_000; i++) {
            double value = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                continue;
            }
            String text = Jcs.numberToString(value);
            assertEquals(value == 0 ? 0d : value, Double.parseDouble(text), text);
        }
    }
}
