package io.countersign.policy.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code countersign policy test}: exit codes and the report, on the default pack and on a wrong case. */
class TestCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = PolicyTool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDefaultPackPasses() {
        Run run = run("test", ReplayTest.rules().toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().startsWith("PASSED "), run.out());
    }

    @Test
    void aWrongCaseFailsWithExitOneAndSaysWhy() throws IOException {
        Path copy = dir.resolve("rules");
        Files.createDirectories(copy.resolve("tests"));
        try (Stream<Path> files = Files.walk(ReplayTest.rules())) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".drl")
                    || f.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, copy.resolve(ReplayTest.rules().relativize(file).toString()));
            }
        }
        Path network = copy.resolve("tests/network.yaml");
        Files.writeString(network, Files.readString(network).replace(
                "expect: {outcome: ALLOW, rules: [Firewall change in development is allowed]}",
                "expect: {outcome: DENY}"));
        Run run = run("test", copy.toString());
        assertEquals(1, run.exit());
        assertTrue(run.out().contains("FAIL tests/network.yaml › a firewall change in development is allowed (line 26)"),
                run.out());
        assertTrue(run.out().contains("rules fired: Firewall change in development is allowed"), run.out());

        Run json = run("test", copy.toString(), "--json");
        assertEquals(1, json.exit());
        assertTrue(json.out().contains("\"passed\" : false"), json.out());
    }

    @Test
    void aMissingDirectoryIsAUsageError() {
        assertEquals(2, run("test", dir.resolve("nowhere").toString()).exit());
    }
}
