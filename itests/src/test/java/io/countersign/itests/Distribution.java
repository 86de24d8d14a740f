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
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return new Distribution(into, into.resolve("countersign-data"), port);
    }

    void start() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "run");
        builder.environment().put("COUNTERSIGN_HTTP_PORT", Integer.toString(port));
        builder.environment().put("COUNTERSIGN_DATA_DIR", data.toString());
        builder.environment().put("COUNTERSIGN_RULES_DIR", System.getProperty("countersign.rules"));
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

    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    Api api() {
        return new Api(port);
    }

    Path data() {
        return data;
    }

    File log() {
        return home.resolve("data/log/karaf.log").toFile();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
