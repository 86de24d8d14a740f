package io.countersign.itests;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The assembled distribution run as an operator runs it: unpacked, started with bin/karaf, killed as a process. */
final class Distribution implements AutoCloseable {

    private final Path home;
    private final Path data;
    private final int port;
    private final java.util.Map<String, String> environment = new java.util.HashMap<>();
    private Process process;

    private Distribution(Path home, Path data, int port) {
        this.home = home;
        this.data = data;
        this.port = port;
    }

    static Distribution unpack(Path into) throws IOException, InterruptedException {
        Files.createDirectories(into);
        Path tarball = Path.of(System.getProperty("countersign.distribution"));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", into.toString(),
                "--strip-components=1").inheritIO().start();
        if (tar.waitFor() != 0) {
            throw new IOException("could not unpack " + tarball);
        }
        return new Distribution(into, into.resolve("countersign-data"), freePort());
    }

    /** Another installation of the same unpacked distribution: its own data directory and ports. */
    Distribution anotherInstallation(Path otherData) throws IOException {
        return new Distribution(home, otherData, freePort());
    }

    /** An environment variable for the next starts (e.g. COUNTERSIGN_FEATURES); null removes it. */
    Distribution withEnvironment(String name, String value) {
        if (value == null) {
            environment.remove(name);
        } else {
            environment.put(name, value);
        }
        return this;
    }

    /** Adds settings to the distribution's {@code etc/<pid>.cfg}, for the next starts. */
    Distribution configure(String pid, String... settings) throws IOException {
        Files.writeString(home.resolve("etc/" + pid + ".cfg"), "\n" + String.join("\n", settings) + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return this;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    void start() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "run");
        builder.environment().put("COUNTERSIGN_HTTP_PORT", Integer.toString(port));
        builder.environment().put("COUNTERSIGN_DATA_DIR", data.toString());
        builder.environment().put("COUNTERSIGN_RULES_DIR", System.getProperty("countersign.rules"));
        builder.environment().put("COUNTERSIGN_CONSOLE_PORT", Integer.toString(freePort()));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));
        builder.directory(home.toFile());
        process = builder.start();
        api().awaitUp(Duration.ofSeconds(120));
    }

    /** SIGKILL to the launcher script and the JVM it started: no shutdown hook, no final fsync. */
    void kill() throws InterruptedException {
        List<ProcessHandle> all = new java.util.ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : all) {
            handle.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    /**
     * SIGTERM to the launcher script and the JVM it started, and waits for both: the script may end first, and a start
     * meanwhile would find the old JVM still answering on the ports (and holding the data directory's lock).
     */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new java.util.ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                kill();
                return;
            }
        }
    }

    Api api() {
        return new Api(port);
    }

    /** Where the API answers, for clients other than {@link Api}. */
    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The running JVM: bin/karaf execs it, or starts it as a child. */
    ProcessHandle jvm() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), process.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no JVM runs for " + home));
    }

    record Console(int exitCode, String output) {
    }

    /**
     * One command in the installation's remote console, through Karaf's own bin/client as ./countersign console runs
     * it: KARAF_ETC is the console directory the installation wrote into its data directory. The client's standard
     * input stays open until the command is done (it closes the command's channel when its input ends).
     */
    Console console(String command) throws IOException, InterruptedException {
        // The account's realm registers a moment after HTTP answers: until then a login is refused.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Console answer = consoleOnce(command);
        // And a restart with another console port moves the remote shell there only once its configuration is read.
        while (answer.exitCode() != 0 && (answer.output().contains("No more authentication methods")
                || answer.output().contains("Failed to get the session")) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            answer = consoleOnce(command);
        }
        return answer;
    }

    private Console consoleOnce(String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/client").toString(), "-r", "10", "-d", "1",
                command);
        builder.environment().put("COUNTERSIGN_DATA_DIR", data.toString());
        builder.environment().put("KARAF_ETC", data.resolve("console").toString());
        builder.redirectErrorStream(true);
        Process client = builder.start();
        String output = new String(client.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!client.waitFor(120, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IOException("bin/client did not finish " + command + ": " + output);
        }
        client.getOutputStream().close();
        // the console colours what grep matched
        return new Console(client.exitValue(), output.replaceAll("\u001B\\[[;\\d]*m", ""));
    }

    Path data() {
        return data;
    }

    File log() {
        return data.resolve("karaf/log/karaf.log").toFile();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
