package io.countersign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {

    @Test
    void passesOutputThrough_hashingStandardOutput_andKeepsTheExitCode() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        CommandRunner.Result result = new CommandRunner(List.of("sh", "-c", "printf 'deployed 3\\n'; printf oops >&2;"
                + " exit 3")).run(out, err);

        assertEquals("deployed 3\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("oops", err.toString(StandardCharsets.UTF_8));
        assertEquals(3, result.exitCode());
        assertEquals("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("deployed 3\n".getBytes(StandardCharsets.UTF_8))), result.stdoutDigest());
        assertEquals(11, result.stdoutBytes());
        assertEquals(4, result.stderrBytes());
        assertTrue(result.duration().toNanos() > 0);
    }

    @Test
    void terminatingEndsWhatTheCommandStartedToo() throws Exception {
        CommandRunner runner = new CommandRunner(List.of("sh", "-c", "sleep 61; echo never"));
        var result = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(new ByteArrayOutputStream(), new ByteArrayOutputStream());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<ProcessHandle> sleeping = List.of();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (sleeping.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            sleeping = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().orElse("").endsWith("/sleep")).toList();
        }
        assertEquals(1, sleeping.size(), "the command's child is running");

        assertTrue(runner.terminate(java.time.Duration.ofSeconds(3)));

        assertTrue(result.get(10, java.util.concurrent.TimeUnit.SECONDS).exitCode() != 0);
        sleeping.get(0).onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aCommandThatDoesNotExistIsNotStarted() {
        assertThrows(IOException.class, () -> new CommandRunner(List.of("/no/such/command"))
                .run(new ByteArrayOutputStream(), new ByteArrayOutputStream()));
    }
}
