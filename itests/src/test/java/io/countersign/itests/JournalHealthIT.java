package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;

/**
 * Health that tells the truth, against the assembled distribution run as a process, with the journal on a small
 * filesystem this test makes (tmpfs, or an ext4 loop device; skipped, visibly, when neither can be mounted):
 * <ul>
 * <li>a full disk makes the node not ready (503 {@code journal-unavailable} with {@code Retry-After}) and submissions
 * 503, and once space is freed it serves again without a restart, with every acknowledged request there exactly once;
 * <li>a data directory too small for the journal's preallocation, or a journal locked by another process, ends the
 * start with a non-zero exit and one line saying why, instead of a node that stays up answering 404.
 * </ul>
 */
public class JournalHealthIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT = "analytics-agent";
    private static final String QUERY = Api.action("db.query", "analytics.events", "staging", "{}", "alice");

    /** A passing test leaves nothing behind; a failing one keeps its distributions, logs and data to look at. */
    @Rule
    public final TestWatcher removeWhenPassed = new TestWatcher() {
        @Override
        protected void succeeded(Description description) {
            try {
                run("rm", "-rf", "--one-file-system", work.toString());
            } catch (IOException e) {
                System.err.println("could not remove " + work + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };

    private final List<Path> mounts = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    /** The unpacked distributions and Karaf's state. */
    private Path work;
    /** Where the small filesystems are mounted: outside target/, so that a mount left behind never blocks a clean. */
    private Path mountRoot;

    @Before
    public void workDirectories() throws IOException {
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "journal-health-");
        mountRoot = Files.createTempDirectory("countersign-journal-health-");
    }

    @After
    public void stopAndUnmount() throws Exception {
        for (Node node : nodes) {
            node.stop();
        }
        for (Path mount : mounts) {
            if (run("umount", mount.toString()) != null) {
                run("umount", "-l", mount.toString());
            }
        }
        run("rm", "-rf", "--one-file-system", mountRoot.toString());
    }

    @Test
    public void aFullJournalDisk_makesTheNodeNotReady_andItServesAgainOnceSpaceIsFreed_withoutARestart()
            throws Exception {
        Path data = work.resolve("data");
        Path journal = mountRoot.resolve("journal");
        // Two 256 KiB segments (the active one and its spare) and the Merkle tree's first pages fit; not much more.
        mountSmallFilesystem(journal, 1024 * 1024);
        Node node = Node.unpack(work.resolve("countersign"), data, work.resolve("karaf-data"));
        nodes.add(node);
        node.configureJournal(journal, 256 * 1024);
        Set<Integer> seenDuringStart = node.startAndAwaitReady(Duration.ofSeconds(120));
        assertFalse("the health endpoints never answer 404 during the start: " + seenDuringStart,
                seenDuringStart.contains(404));

        Credentials credentials = Credentials.read(data.resolve("demo-credentials.json"));
        String agentKey = credentials.agentKey(AGENT);
        Map<String, String> acknowledged = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> answer = node.submit(agentKey).get(30, TimeUnit.SECONDS);
            assertEquals(answer.body(), 201, answer.statusCode());
            acknowledged.put(id(answer), status(answer));
        }

        Path filler = journal.resolve("filler.bin");
        long filled = fill(filler);
        System.out.printf("filled the journal's filesystem with %d KiB%n", filled / 1024);

        // Submit until the journal hits the full disk: a submission taken just before waits for the retry (it is not
        // answered until it is durable), the next ones are refused at once with 503.
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 2000 && refused == null; i++) {
            CompletableFuture<HttpResponse<String>> submitted = node.submit(agentKey);
            try {
                HttpResponse<String> answer = submitted.get(2, TimeUnit.SECONDS);
                if (answer.statusCode() == 201) {
                    acknowledged.put(id(answer), status(answer));
                } else {
                    assertEquals(answer.body(), 503, answer.statusCode());
                    refused = answer;
                }
            } catch (TimeoutException e) {
                waiting.add(submitted);
            }
        }
        assertTrue("the full disk stopped the journal within 2000 submissions", refused != null);
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
        assertEquals("unavailable", JSON.readTree(refused.body()).path("reason").asText());
        assertRetryAfter(refused);

        HttpResponse<String> ready = node.get("/v1/health/ready");
        assertEquals(ready.body(), 503, ready.statusCode());
        JsonNode notReady = JSON.readTree(ready.body());
        assertEquals("journal-unavailable", notReady.path("reason").asText());
        assertEquals("retrying", notReady.path("checks").path("journal").path("state").asText());
        assertFalse("the I/O error is logged, not served: " + ready.body(), ready.body().contains("No space"));
        assertFalse(refused.body(), refused.body().contains("No space"));
        assertRetryAfter(ready);
        HttpResponse<String> live = node.get("/v1/health");
        assertEquals("liveness stays 200 while the process serves", 200, live.statusCode());
        JsonNode liveBody = JSON.readTree(live.body());
        assertFalse(liveBody.path("ready").asBoolean(true));
        assertEquals("journal-unavailable", liveBody.path("reason").asText());
        for (CompletableFuture<HttpResponse<String>> future : waiting) {
            assertFalse("nothing taken is answered while the journal cannot write", future.isDone()
                    && future.join().statusCode() == 201);
        }

        Files.delete(filler);
        long freedAt = System.nanoTime();
        awaitReady(node, Duration.ofSeconds(30));
        System.out.printf("ready again %d ms after the space was freed, without a restart%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freedAt));
        for (CompletableFuture<HttpResponse<String>> future : waiting) {
            HttpResponse<String> answer = future.get(30, TimeUnit.SECONDS);
            assertEquals("a submission taken before the disk filled is answered once it is durable: " + answer.body(),
                    201, answer.statusCode());
            acknowledged.put(id(answer), status(answer));
        }
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> answer = node.submit(agentKey).get(30, TimeUnit.SECONDS);
            assertEquals(answer.body(), 201, answer.statusCode());
            acknowledged.put(id(answer), status(answer));
        }

        String auditor = credentials.reviewerToken("erin");
        for (Map.Entry<String, String> request : acknowledged.entrySet()) {
            HttpResponse<String> shown = node.get("/v1/actions/" + request.getKey(), auditor);
            assertEquals("acknowledged request " + request.getKey() + " is there", 200, shown.statusCode());
            assertEquals(request.getValue(), JSON.readTree(shown.body()).path("status").asText());
        }
        Map<String, Integer> received = receivedPerRequest(node, auditor);
        for (String id : acknowledged.keySet()) {
            assertEquals("request " + id + " is journaled exactly once", Integer.valueOf(1), received.get(id));
        }
        System.out.printf("%d acknowledged requests (%d taken while the disk was full) all there exactly once%n",
                acknowledged.size(), waiting.size());
    }

    @Test
    public void aStartThatCannotSucceed_endsTheProcessNonZero_withOneLineSayingWhy() throws Exception {
        // too small for the preallocation: a new journal needs two 64 MiB segments before its first entry
        Path small = mountRoot.resolve("small");
        mountSmallFilesystem(small, 16 * 1024 * 1024);
        Node tooSmall = Node.unpack(work.resolve("countersign-small"), small.resolve("data"),
                work.resolve("karaf-data-small"));
        nodes.add(tooSmall);
        Node.Exit exit = tooSmall.startAndAwaitExit(Duration.ofSeconds(120));
        assertNotEquals("the start ends with a non-zero exit: " + exit.tail(), 0, exit.code());
        String line = exit.line("Countersign cannot start:");
        assertTrue(line, line.contains("journal directory " + small.resolve("data").resolve("journal"))
                && line.contains("MiB free but needs 128.0 MiB"));
        assertTrue("the same line is in the log", tooSmall.log().contains(line.substring(line.indexOf("Countersign"))));

        // locked by another process: this test's JVM holds the journal's lock
        Path data = work.resolve("locked-data");
        Files.createDirectories(data.resolve("journal"));
        try (FileChannel lockFile = FileChannel.open(data.resolve("journal/journal.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = lockFile.lock()) {
            Node locked = Node.unpack(work.resolve("countersign-locked"), data, work.resolve("karaf-data-locked"));
            nodes.add(locked);
            Node.Exit lockedExit = locked.startAndAwaitExit(Duration.ofSeconds(120));
            assertNotEquals(lockedExit.tail(), 0, lockedExit.code());
            String lockedLine = lockedExit.line("Countersign cannot start:");
            assertTrue(lockedLine, lockedLine.contains("is locked by another process"));
        }
    }

    /** Mounts a filesystem of about {@code bytes} at {@code at}, or skips the test, saying why. */
    private void mountSmallFilesystem(Path at, long bytes) throws Exception {
        Files.createDirectories(at);
        String tmpfs = run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", at.toString());
        if (tmpfs == null) {
            mounts.add(at);
            return;
        }
        Path image = work.resolve(at.getFileName() + ".img");
        long imageBytes = Math.max(bytes, 4L * 1024 * 1024);
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            file.truncate(imageBytes);
            file.write(java.nio.ByteBuffer.allocate(1), imageBytes - 1);
        }
        String loop = run("mkfs.ext4", "-q", "-F", "-O", "^has_journal", image.toString());
        if (loop == null) {
            loop = run("mount", "-o", "loop", image.toString(), at.toString());
        }
        if (loop == null) {
            mounts.add(at);
            return;
        }
        String why = "SKIPPED " + getClass().getSimpleName() + ": cannot mount a small filesystem at " + at
                + " (tmpfs: " + tmpfs + "; ext4 loop device: " + loop + "); run as root where mount is allowed";
        System.err.println(why);
        Assume.assumeTrue(why, false);
    }

    /** Runs a command; returns null when it succeeded, or what it printed when it failed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.waitFor() == 0 ? null : "exit " + process.exitValue() + ": " + output;
    }

    /** Writes zeros until the filesystem is full; returns how many bytes went in. */
    private static long fill(Path file) throws IOException {
        byte[] chunk = new byte[4096];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return written;
    }

    private static void assertRetryAfter(HttpResponse<String> answer) {
        String retryAfter = answer.headers().firstValue("Retry-After").orElse("");
        assertTrue("Retry-After is a number of seconds: '" + retryAfter + "'", retryAfter.matches("[1-9][0-9]*"));
        assertTrue("Retry-After reflects the journal's backoff (at most 5 s): " + retryAfter,
                Integer.parseInt(retryAfter) <= 5);
    }

    private static void awaitReady(Node node, Duration timeout) throws Exception {
        Poll.until("readiness 200", timeout, () -> node.get("/v1/health/ready").statusCode() == 200,
                () -> node.get("/v1/health/ready").body());
    }

    /** How many {@code request.received} entries the journal holds for each request. */
    private static Map<String, Integer> receivedPerRequest(Node node, String token) throws Exception {
        Map<String, Integer> received = new HashMap<>();
        for (long seq = 0; ; ) {
            JsonNode entries = JSON.readTree(node.get("/v1/ledger/entries?from=" + seq + "&limit=1000", token).body())
                    .path("entries");
            if (entries.isEmpty()) {
                return received;
            }
            for (JsonNode entry : entries) {
                assertEquals("the journal's seqs are contiguous", seq, entry.path("seq").asLong());
                if (entry.path("type").asText().equals("request.received")) {
                    received.merge(entry.path("data").path("request").asText(), 1, Integer::sum);
                }
                seq++;
            }
        }
    }

    private static String id(HttpResponse<String> answer) throws IOException {
        return JSON.readTree(answer.body()).path("id").asText();
    }

    private static String status(HttpResponse<String> answer) throws IOException {
        return JSON.readTree(answer.body()).path("status").asText();
    }

    /** The distribution unpacked and started as an operator does, with its journal and Karaf's state where asked. */
    private static final class Node {

        record Exit(int code, String output) {
            String line(String start) {
                return output.lines().filter(l -> l.startsWith(start)).findFirst()
                        .orElseThrow(() -> new AssertionError("no line starting '" + start + "' in: " + tail()));
            }

            String tail() {
                List<String> lines = output.lines().toList();
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            }
        }

        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final Path home;
        private final Path data;
        private final Path karafData;
        private final int port;
        private Process process;

        private Node(Path home, Path data, Path karafData, int port) {
            this.home = home;
            this.data = data;
            this.karafData = karafData;
            this.port = port;
        }

        static Node unpack(Path into, Path data, Path karafData) throws IOException, InterruptedException {
            Files.createDirectories(into);
            Path tarball = Path.of(System.getProperty("countersign.distribution"));
            String failed = run("tar", "-xzf", tarball.toString(), "-C", into.toString(), "--strip-components=1");
            if (failed != null) {
                throw new IOException("could not unpack " + tarball + ": " + failed);
            }
            try (ServerSocket socket = new ServerSocket(0)) {
                return new Node(into, data, karafData, socket.getLocalPort());
            }
        }

        /** Puts the journal in {@code directory}, with segments of {@code segmentBytes}. */
        void configureJournal(Path directory, long segmentBytes) throws IOException {
            Path cfg = home.resolve("etc/io.countersign.journal.cfg");
            String text = Files.readString(cfg)
                    .replaceAll("(?m)^directory\\s*=.*$", "directory = " + directory)
                    .replaceAll("(?m)^segmentBytes\\s*=.*$", "segmentBytes = " + segmentBytes);
            Files.writeString(cfg, text);
        }

        private void start() throws IOException {
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "run");
            builder.environment().put("COUNTERSIGN_HTTP_PORT", Integer.toString(port));
            builder.environment().put("COUNTERSIGN_DATA_DIR", data.toString());
            builder.environment().put("COUNTERSIGN_RULES_DIR", System.getProperty("countersign.rules"));
            builder.environment().put("KARAF_DATA", karafData.toString());
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));
            builder.directory(home.toFile());
            process = builder.start();
        }

        /** Starts and polls {@code /v1/health} until ready; returns every status it answered meanwhile. */
        Set<Integer> startAndAwaitReady(Duration timeout) throws Exception {
            start();
            Set<Integer> seen = new TreeSet<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                assertTrue("the node is running: " + console(), process.isAlive());
                try {
                    HttpResponse<String> live = get("/v1/health");
                    seen.add(live.statusCode());
                    HttpResponse<String> ready = get("/v1/health/ready");
                    seen.add(ready.statusCode());
                    if (ready.statusCode() == 200) {
                        return seen;
                    }
                } catch (IOException notListeningYet) {
                    // the server is not listening yet
                }
                Thread.sleep(50);
            }
            throw new AssertionError("not ready within " + timeout + "; answers seen: " + seen);
        }

        Exit startAndAwaitExit(Duration timeout) throws Exception {
            start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the start did not end within " + timeout + ": " + console());
            }
            return new Exit(process.exitValue(), console());
        }

        CompletableFuture<HttpResponse<String>> submit(String agentKey) {
            return client.sendAsync(HttpRequest.newBuilder(uri("/v1/actions")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + agentKey)
                    .POST(HttpRequest.BodyPublishers.ofString(QUERY)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return get(path, null);
        }

        HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        String console() throws IOException {
            Path log = home.resolve("console.log");
            return Files.exists(log) ? Files.readString(log) : "";
        }

        String log() throws IOException {
            Path log = karafData.resolve("log/karaf.log");
            return Files.exists(log) ? Files.readString(log) : "";
        }

        void stop() throws InterruptedException {
            if (process == null || !process.isAlive()) {
                return;
            }
            List<ProcessHandle> all = new ArrayList<>(process.descendants().collect(Collectors.toList()));
            all.add(process.toHandle());
            all.forEach(ProcessHandle::destroy);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                all.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
