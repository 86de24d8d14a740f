package io.countersign.itests;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real Fabric network of this test run, started with {@code ledger-network/network.sh} in its own directory under
 * {@code target/} and on its own ports, so that test runs never share one. Usable from the test JVM and from inside
 * Karaf (the directory and the script are passed as system properties).
 */
final class FabricNetwork {

    private static final String SCRIPT_PROPERTY = "countersign.fabric.script";

    private final String kind;
    private final Path dir;
    private final int portBase;

    private FabricNetwork(String kind, Path dir, int portBase) {
        this.kind = kind;
        this.dir = dir;
        this.portBase = portBase;
    }

    /** The dev network (one Raft orderer, the operator's peer). */
    static FabricNetwork dev(Path dir) {
        return new FabricNetwork("dev", dir, 27050);
    }

    /** The production-like network (four BFT orderers, operator and compliance peers, both must endorse). */
    static FabricNetwork bft(Path dir) {
        return new FabricNetwork("bft", dir, 27150);
    }

    /** The network named by system properties, inside Karaf. */
    static FabricNetwork fromSystemProperties() {
        return new FabricNetwork(System.getProperty("countersign.fabric.kind"),
                Path.of(System.getProperty("countersign.fabric.dir")), 0);
    }

    static String script() {
        return System.getProperty(SCRIPT_PROPERTY, Path.of(System.getProperty("countersign.root", ".."))
                .resolve("ledger-network/network.sh").toAbsolutePath().toString());
    }

    Path dir() {
        return dir;
    }

    String kind() {
        return kind;
    }

    Path connectionJson() {
        return dir.resolve("connection.json");
    }

    /** A fresh network: whatever an earlier run left in the directory is stopped and deleted first. */
    FabricNetwork upFresh() throws IOException, InterruptedException {
        run("clean");
        run(kind.equals("bft") ? "up-bft" : "up");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run("down");
            } catch (IOException | InterruptedException e) {
                // the JVM is exiting; the next run's clean stops what is left
            }
        }));
        return this;
    }

    void down() throws IOException, InterruptedException {
        run("down");
    }

    void stop(String node) throws IOException, InterruptedException {
        run("stop", node);
    }

    void start(String node) throws IOException, InterruptedException {
        run("start", node);
    }

    /** Evaluates a transaction of the anchors chaincode with the peer CLI, as a regulator could; its JSON answer. */
    String query(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script(), "query"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(logFile()));
        builder.environment().put("FABRIC_NET_DIR", dir.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("network.sh query " + String.join(" ", arguments) + " failed; see " + logFile());
        }
        return output;
    }

    /** Countersign's io.countersign.audit.fabric configuration for this network. */
    Properties auditConfiguration() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(dir.resolve("io.countersign.audit.fabric.cfg"),
                StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    private void run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile()));
        builder.environment().put("FABRIC_NET_DIR", dir.toString());
        if (portBase > 0) {
            builder.environment().put("FABRIC_PORT_BASE", Integer.toString(portBase));
        }
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("network.sh " + String.join(" ", arguments) + " did not finish in 5 minutes");
        }
        if (process.exitValue() != 0) {
            throw new IOException("network.sh " + String.join(" ", arguments) + " failed (exit "
                    + process.exitValue() + "); see " + logFile());
        }
    }

    private java.io.File logFile() throws IOException {
        Path log = dir.resolveSibling(dir.getFileName() + "-network.log");
        Files.createDirectories(log.getParent());
        return log.toFile();
    }
}
