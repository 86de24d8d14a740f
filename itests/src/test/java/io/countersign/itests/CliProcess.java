package io.countersign.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code java -jar countersign-cli.jar run ...} as a pipeline step runs it, its output collected as it comes. */
final class CliProcess {

    private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9a-f-]{36})");

    private final Process process;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread[] pumps;

    private CliProcess(Process process) {
        this.process = process;
        this.pumps = new Thread[] {pump(process.getInputStream(), stdout), pump(process.getErrorStream(), stderr)};
    }

    static CliProcess start(Path workDir, Map<String, String> env, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", System.getProperty("countersign.cli.jar"), "run"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("GITHUB_") || name.startsWith("CI"));
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process = builder.start();
        process.getOutputStream().close();
        return new CliProcess(process);
    }

    private static Thread pump(InputStream from, ByteArrayOutputStream to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    synchronized (to) {
                        to.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError("the CLI did not finish within " + seconds + " s; it said:\n" + stderr());
        }
        for (Thread pump : pumps) {
            pump.join(5000);
        }
        System.out.printf("--- the CLI exited %d; its stderr:%n%s%n", process.exitValue(), stderr());
        return process.exitValue();
    }

    /** SIGKILL to the CLI alone: what it started keeps running, as after a runner's crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGKILL to the CLI, then to what it started (which would otherwise run on). */
    void killWithCommand() throws InterruptedException {
        List<ProcessHandle> started = process.descendants().toList();
        kill();
        started.forEach(ProcessHandle::destroyForcibly);
    }

    String stdout() {
        synchronized (stdout) {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    /** The request id the CLI named first, or null before it named one. */
    String requestId() {
        Matcher m = REQUEST_ID.matcher(stderr());
        return m.find() ? m.group(1) : null;
    }
}
