package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.siem.standin.HecStandIn;
import io.countersign.siem.standin.Rsyslog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.Test;

/**
 * SIEM export against real receivers, with the assembled distribution run as a process: a private rsyslogd over
 * RFC 5425 (TLS, mutual X.509, octet counting) and a Splunk HEC stand-in with indexer acknowledgment. Every entry
 * arrives in journal order with its seq and its ledger hash; an outage of either receiver is caught up in order with no
 * gap; a crash of Countersign mid-stream resends only from the persisted cursor; the feature is uninstalled and
 * installed again while the node runs, and picks up where it stopped.
 */
public class SiemIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT = "analytics-agent";
    private static final String HEC_TOKEN = "6f1c2b7e-siem-it-token";
    private static final Duration CATCH_UP = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    public void exportsTheJournalInOrderThroughOutagesCrashesAndReinstalls() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "siem-");
        try (Rsyslog rsyslog = Rsyslog.create(dir.resolve("rsyslog"));
             HecStandIn hec = HecStandIn.start(HEC_TOKEN, true);
             Distribution node = Distribution.unpack(dir.resolve("countersign"))) {
            rsyslog.start();
            node.configure("io.countersign.siem.sink-syslog", "name = syslog", "format = ocsf",
                    "transport = syslog", "target = " + rsyslog.target(),
                    "trustCertificates = " + rsyslog.dir().resolve("ca.pem"),
                    "clientKeyStore = " + rsyslog.dir().resolve("client.p12"),
                    "settleMillis = 1000", "retryInitialMillis = 200", "retryMaxMillis = 1000");
            node.configure("io.countersign.siem.sink-hec", "name = hec", "format = cef", "transport = hec",
                    "target = " + hec.baseUrl(), "hecAck = true", "ackTimeoutMillis = 3000", "ackPollMillis = 50",
                    "retryInitialMillis = 200", "retryMaxMillis = 1000");
            Path export = dir.resolve("export/siem.jsonl");
            node.configure("io.countersign.siem.sink-file", "name = file", "format = json", "transport = file",
                    "target = " + export, "maxFileBytes = 100000", "maxFiles = 1000");
            node.withEnvironment("COUNTERSIGN_SIEM_HEC_TOKEN", HEC_TOKEN)
                    .withEnvironment("COUNTERSIGN_SIEM_KEYSTORE_PASSWORD", Rsyslog.KEYSTORE_PASSWORD);
            node.start();
            // installed at the console while the node runs, as an operator adds export to a running installation
            Distribution.Console first = node.console("feature:install countersign-siem");
            assertEquals(first.output(), 0, first.exitCode());
            Credentials credentials = Credentials.read(node.data().resolve("demo-credentials.json"));
            String agent = credentials.agentKey(AGENT);
            String reviewer = credentials.reviewerToken("bob");

            // 1. everything arrives, in order, with the ledger's hashes; the status needs a reviewer
            awaitStatus(node, reviewer, 200);
            assertEquals(401, get(node, "/v1/siem/status", null).statusCode());
            submit(node, agent, 20);
            long size = awaitCaughtUp(node, reviewer);
            Map<Long, String> ledger = ledger(node, reviewer, size);
            check("rsyslog", syslogSeqs(rsyslog, ledger), size);
            check("HEC", hecSeqs(hec, ledger), size);
            check("file", fileSeqs(export, ledger), size);
            assertEquals("HEC refused nothing: token, channel and body as the contract asks", 0, hec.refused());

            // 2. rsyslog is down: the approval path goes on, the lag shows, and it is caught up in order
            rsyslog.stop();
            submit(node, agent, 30);
            JsonNode syslogDown = awaitSink(node, reviewer, "syslog",
                    s -> s.path("lag").asLong() > 0 && s.path("lastError").isTextual());
            assertEquals(syslogDown.toString(), "retrying", syslogDown.path("state").asText());
            rsyslog.start();
            size = awaitCaughtUp(node, reviewer);
            ledger = ledger(node, reviewer, size);
            check("rsyslog after its outage", syslogSeqs(rsyslog, ledger), size);

            // 3. HEC answers 503, then acknowledges nothing (a lost batch): both caught up in order
            hec.unavailable(true);
            submit(node, agent, 30);
            awaitSink(node, reviewer, "hec", s -> s.path("lag").asLong() > 0
                    && s.path("lastError").asText().contains("503"));
            hec.unavailable(false);
            hec.indexAfter(Integer.MAX_VALUE);
            submit(node, agent, 10);
            awaitSink(node, reviewer, "hec", s -> s.path("lastError").asText().contains("did not acknowledge"));
            hec.loseUnindexed();
            hec.indexAfter(1);
            size = awaitCaughtUp(node, reviewer);
            ledger = ledger(node, reviewer, size);
            check("HEC after 503 and a lost batch", hecSeqs(hec, ledger), size);

            // 4. a crash mid-stream: only what is after the persisted cursor is sent again
            submit(node, agent, 60);
            node.kill();
            Thread.sleep(2000); // what the killed process had written reaches rsyslog's file
            long syslogCursor = cursor(node, "syslog");
            long hecCursor = cursor(node, "hec");
            int syslogBefore = rsyslog.received().size();
            int hecBefore = hec.events().size();
            node.start();
            submit(node, agent, 10);
            size = awaitCaughtUp(node, reviewer);
            ledger = ledger(node, reviewer, size);
            List<Long> syslogAll = syslogSeqs(rsyslog, ledger);
            List<Long> hecAll = hecSeqs(hec, ledger);
            check("rsyslog across a crash", syslogAll, size);
            check("HEC across a crash", hecAll, size);
            check("file across a crash", fileSeqs(export, ledger), size);
            duplicatesOnlyFrom("rsyslog", syslogAll, syslogBefore, syslogCursor);
            duplicatesOnlyFrom("HEC", hecAll, hecBefore, hecCursor);
            System.out.printf("SiemIT crash: rsyslog cursor %d, %d duplicates; HEC cursor %d, %d duplicates%n",
                    syslogCursor, syslogAll.size() - size, hecCursor, hecAll.size() - size);

            // 5. hot uninstall and install of the feature
            Distribution.Console removed = node.console("feature:uninstall countersign-siem");
            assertEquals(removed.output(), 0, removed.exitCode());
            awaitStatus(node, reviewer, 404);
            submit(node, agent, 20);
            Distribution.Console installed = node.console("feature:install countersign-siem");
            assertEquals(installed.output(), 0, installed.exitCode());
            awaitStatus(node, reviewer, 200);
            size = awaitCaughtUp(node, reviewer);
            ledger = ledger(node, reviewer, size);
            check("rsyslog across a reinstall", syslogSeqs(rsyslog, ledger), size);
            check("HEC across a reinstall", hecSeqs(hec, ledger), size);
            check("file across a reinstall", fileSeqs(export, ledger), size);
            assertTrue("the file sink rotated", Files.exists(export.resolveSibling("siem.jsonl.1")));
        }
        // a passing test leaves nothing behind; a failing one keeps the logs, the receivers' files and the data
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void submit(Distribution node, String agent, int count) throws Exception {
        Api api = node.api();
        for (int i = 0; i < count; i++) {
            Api.Answer answer = api.post("/v1/actions", agent,
                    Api.action("db.query", "analytics.events", "staging", "{\"n\":" + i + "}", "alice"));
            assertEquals(answer.raw(), 201, answer.status());
        }
    }

    private HttpResponse<String> get(Distribution node, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode status(Distribution node, String reviewer) throws Exception {
        HttpResponse<String> response = get(node, "/v1/siem/status", reviewer);
        assertEquals(response.body(), 200, response.statusCode());
        return JSON.readTree(response.body());
    }

    private void awaitStatus(Distribution node, String reviewer, int code) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        int last = 0;
        while (System.nanoTime() < deadline) {
            last = get(node, "/v1/siem/status", reviewer).statusCode();
            if (last == code) {
                return;
            }
            Thread.sleep(200);
        }
        fail("/v1/siem/status answers " + last + ", not " + code);
    }

    /** Waits until both sinks confirmed the whole journal (and it stopped growing); returns its size. */
    private long awaitCaughtUp(Distribution node, String reviewer) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = status(node, reviewer);
            long size = -1;
            boolean all = last.path("sinks").size() == 3;
            for (JsonNode sink : last.path("sinks")) {
                size = sink.path("journalSize").asLong();
                all &= sink.path("lag").asLong() == 0 && sink.path("state").asText().equals("caught-up");
            }
            if (all && size == status(node, reviewer).path("sinks").path(0).path("journalSize").asLong()) {
                return size;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the sinks did not catch up: " + last);
    }

    private JsonNode awaitSink(Distribution node, String reviewer, String name, Predicate<JsonNode> condition)
            throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        JsonNode sink = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode s : status(node, reviewer).path("sinks")) {
                if (s.path("name").asText().equals(name)) {
                    sink = s;
                }
            }
            if (sink != null && condition.test(sink)) {
                return sink;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("sink " + name + " never got there: " + sink);
    }

    /** seq → hash of every entry, from the ledger API. */
    private Map<Long, String> ledger(Distribution node, String reviewer, long size) throws Exception {
        Map<Long, String> hashes = new HashMap<>();
        for (long from = 0; from < size; from += 1000) {
            HttpResponse<String> response = get(node, "/v1/ledger/entries?from=" + from + "&limit=1000", reviewer);
            assertEquals(response.body(), 200, response.statusCode());
            for (JsonNode entry : JSON.readTree(response.body()).path("entries")) {
                hashes.put(entry.get("seq").asLong(), entry.get("hash").asText());
            }
        }
        assertEquals(size, hashes.size());
        return hashes;
    }

    private static List<Long> syslogSeqs(Rsyslog rsyslog, Map<Long, String> ledger) throws IOException {
        List<Long> seqs = new ArrayList<>();
        for (Rsyslog.Received received : rsyslog.received()) {
            assertEquals("rsyslog: the hash of seq " + received.seq() + " is the ledger's",
                    ledger.get(received.seq()), received.hash());
            seqs.add(received.seq());
        }
        return seqs;
    }

    /** The rotated files, oldest first, then the current one. */
    private static List<Long> fileSeqs(Path export, Map<Long, String> ledger) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int generation = 1; Files.exists(export.resolveSibling("siem.jsonl." + generation)); generation++) {
            files.add(0, export.resolveSibling("siem.jsonl." + generation));
        }
        files.add(export);
        List<Long> seqs = new ArrayList<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                JsonNode event = JSON.readTree(line);
                long seq = event.get("seq").asLong();
                assertEquals("file: the hash of seq " + seq + " is the ledger's", ledger.get(seq),
                        event.get("hash").asText());
                seqs.add(seq);
            }
        }
        return seqs;
    }

    private static List<Long> hecSeqs(HecStandIn hec, Map<Long, String> ledger) {
        List<Long> seqs = new ArrayList<>();
        for (JsonNode envelope : hec.events()) {
            long seq = envelope.at("/fields/seq").asLong();
            assertEquals("HEC: the hash of seq " + seq + " is the ledger's", ledger.get(seq),
                    envelope.at("/fields/hash").asText());
            assertTrue("the CEF event names its seq", envelope.get("event").asText().contains(" cn1=" + seq + " ")
                    || envelope.get("event").asText().contains(" cn1=" + seq));
            seqs.add(seq);
        }
        return seqs;
    }

    /**
     * Journal order with no gap: each seq is at most one past the highest seen so far (a repeat resends an earlier
     * suffix), and every seq below {@code size} arrives.
     */
    private static void check(String what, List<Long> seqs, long size) {
        long next = 0;
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            if (seq > next) {
                fail(what + ": seq " + seq + " at position " + i + " while " + next + " was never received (a gap)");
            }
            if (seq == next) {
                next++;
            }
        }
        assertEquals(what + ": not everything arrived", size, next);
    }

    /** What arrived after the crash repeats nothing before the cursor the sink had persisted. */
    private static void duplicatesOnlyFrom(String what, List<Long> seqs, int before, long cursor) {
        long max = -1;
        for (int i = 0; i < before; i++) {
            max = Math.max(max, seqs.get(i));
        }
        for (int i = before; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            if (seq <= max) {
                assertTrue(what + ": seq " + seq + " sent again although the cursor was at " + cursor, seq >= cursor);
            }
        }
        assertTrue(what + ": the first event after the restart is the cursor's",
                seqs.size() == before || seqs.get(before) == cursor);
    }

    private static long cursor(Distribution node, String sink) throws IOException {
        Path file = node.data().resolve("siem/" + sink + ".cursor");
        return Files.exists(file) ? Long.parseLong(Files.readString(file).trim().split(" ")[0]) : 0;
    }
}
