package io.countersign.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs the approved command with the CLI's standard input, passing its standard output and error through as they
 * come while hashing each with SHA-256. The output's digest is over standard output alone, so it is reproducible
 * ({@code command | sha256sum}); interleaving two streams would make it depend on scheduling.
 */
final class CommandRunner {

    /** What the command did. */
    record Result(int exitCode, Duration duration, String stdoutDigest, long stdoutBytes, String stderrDigest,
                  long stderrBytes) {
    }

    private final List<String> command;
    private volatile Process process;

    CommandRunner(List<String> command) {
        this.command = List.copyOf(command);
    }

    /** @throws IOException when the command cannot be started: nothing ran */
    Result run(OutputStream stdout, OutputStream stderr) throws IOException, InterruptedException {
        long start = System.nanoTime();
        process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        Pump out = new Pump(process.getInputStream(), stdout, "stdout");
        Pump err = new Pump(process.getErrorStream(), stderr, "stderr");
        out.start();
        err.start();
        int exit = process.waitFor();
        out.join();
        err.join();
        return new Result(exit, Duration.ofNanos(System.nanoTime() - start), out.digest(), out.bytes, err.digest(),
                err.bytes);
    }

    /**
     * Ends the command and what it started (SIGTERM, then SIGKILL after {@code grace}): a shell does not pass a
     * signal on to its children. Returns whether it was running.
     */
    boolean terminate(Duration grace) throws InterruptedException {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return false;
        }
        List<ProcessHandle> started = running.descendants().toList();
        started.forEach(ProcessHandle::destroy);
        running.destroy();
        if (!running.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            running.destroyForcibly();
        }
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        return true;
    }

    private static final class Pump extends Thread {
        private final InputStream from;
        private final OutputStream to;
        private final MessageDigest sha256;
        private long bytes;

        Pump(InputStream from, OutputStream to, String name) {
            super("countersign-" + name);
            this.from = from;
            this.to = to;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    sha256.update(buffer, 0, n);
                    bytes += n;
                    try {
                        to.write(buffer, 0, n);
                        to.flush();
                    } catch (IOException closedDownstream) {
                        // keep reading and hashing: the command must not block on a full pipe
                    }
                }
            } catch (IOException e) {
                // the command's end of the pipe closed
            }
        }

        String digest() {
            return "sha256:" + HexFormat.of().formatHex(sha256.digest());
        }
    }
}
