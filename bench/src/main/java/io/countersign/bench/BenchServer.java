package io.countersign.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The assembled distribution as the benchmarks run it: unpacked into a run directory, started as a process. */
final class BenchServer {

    private BenchServer() {
    }

    /** Unpacks the distribution into {@code run/countersign} and returns that directory. */
    static Path unpack(Path root, Path run) throws IOException, InterruptedException {
        Path home = run.resolve("countersign");
        Files.createDirectories(home);
        Process tar = new ProcessBuilder("tar", "-xzf",
                root.resolve("distribution/target/countersign.tar.gz").toString(), "-C", home.toString(),
                "--strip-components=1").inheritIO().start();
        if (tar.waitFor() != 0) {
            throw new IOException("build the distribution first: ./countersign start builds it");
        }
        return home;
    }

    /** Starts {@code bin/karaf run} with the given environment added; its output goes to {@code run/console.log}. */
    static Process launch(Path home, Path run, int port, Path data, Path rules, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "run");
        builder.environment().put("COUNTERSIGN_HTTP_PORT", Integer.toString(port));
        builder.environment().put("COUNTERSIGN_DATA_DIR", data.toString());
        builder.environment().put("COUNTERSIGN_RULES_DIR", rules.toString());
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(run.resolve("console.log").toFile());
        return builder.start();
    }

    static void awaitUp(int port) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/health")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Countersign did not start on port " + port);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A credential as the directory file keeps it: {@code sha256:} and the hex SHA-256 of its UTF-8. */
    static String credentialHash(String secret) {
        try {
            return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code bytes} random bytes, base64url without padding: a key or token for a generated directory. */
    static String randomSecret(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
