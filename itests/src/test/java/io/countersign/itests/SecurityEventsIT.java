package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.siem.standin.Rsyslog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.Test;

/**
 * Refusals of callers that are not journal entries of their own (bad and missing agent keys and reviewer tokens, a
 * valid key used for what it may not do) become {@code access.refused} entries, aggregated so that a flood makes a
 * bounded number of them, and reach a real rsyslog over RFC 5425 with their seq and ledger hash. Run against the
 * assembled distribution as a process, with a short window so that the summary of a flood arrives within the test.
 */
public class SecurityEventsIT {

    private static final String AGENT = "analytics-agent";
    private static final String FORGED_KEY = "csk_forged-key-that-must-never-leave-the-server";
    private static final int PER_WINDOW = 3;
    private static final int WINDOW_SECONDS = 4;
    private static final int FLOOD = 150;

    @Test
    public void aFloodOfBadCredentialsArrivesAggregatedAtRsyslogAndInTheJournal() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "security-events-");
        try (Rsyslog rsyslog = Rsyslog.create(dir.resolve("rsyslog"));
             Distribution node = Distribution.unpack(dir.resolve("countersign"))) {
            rsyslog.start();
            node.configure("io.countersign.core.security", "refusalsPerWindow = " + PER_WINDOW,
                    "windowSeconds = " + WINDOW_SECONDS);
            node.configure("io.countersign.siem.sink-syslog", "name = syslog", "format = ocsf",
                    "transport = syslog", "target = " + rsyslog.target(),
                    "trustCertificates = " + rsyslog.dir().resolve("ca.pem"),
                    "clientKeyStore = " + rsyslog.dir().resolve("client.p12"),
                    "settleMillis = 500", "pollMillis = 100");
            node.withEnvironment("COUNTERSIGN_SIEM_KEYSTORE_PASSWORD", Rsyslog.KEYSTORE_PASSWORD)
                    .withEnvironment("COUNTERSIGN_FEATURES", "countersign-siem");
            node.start();
            Credentials credentials = Credentials.read(node.data().resolve("demo-credentials.json"));
            String reviewer = credentials.reviewerToken("bob");
            Api api = node.api();
            Ledger ledger = new Ledger(api, reviewer);
            long mark = ledger.size();

            long floodStart = System.nanoTime();
            for (int i = 0; i < FLOOD; i++) {
                Api.Answer answer = api.post("/v1/actions", FORGED_KEY,
                        Api.action("db.query", "analytics.events", "staging", "{\"n\":" + i + "}", "alice"));
                assertEquals(answer.raw(), 401, answer.status());
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(401, api.get("/v1/reviews/pending", null).status());
            }
            Api.Answer notPermitted = api.post("/v1/actions", credentials.agentKey(AGENT),
                    Api.action("db.query", "analytics.events", "staging", "{}", "mallory"));
            assertEquals(notPermitted.raw(), 403, notPermitted.status());
            double floodSeconds = (System.nanoTime() - floodStart) / 1e9;

            // the summary of what was only counted is written once the window is over (checked every second)
            Map<String, Long> refusals = Map.of();
            List<JsonNode> refused = List.of();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                refused = Ledger.ofType(ledger.since(mark), "access.refused");
                refusals = refused.stream().collect(Collectors.groupingBy(
                        e -> e.path("data").path("code").asText(),
                        Collectors.summingLong(e -> e.path("data").path("refusals").asLong())));
                if (refusals.getOrDefault("credential-unknown", 0L) == FLOOD
                        && refusals.getOrDefault("credential-missing", 0L) == 10) {
                    break;
                }
                Thread.sleep(250);
            }
            assertEquals("every refusal is accounted for: " + Ledger.describe(refused), Long.valueOf(FLOOD),
                    refusals.get("credential-unknown"));
            assertEquals(Long.valueOf(10), refusals.get("credential-missing"));
            assertEquals(Long.valueOf(1), refusals.get("not-permitted-to-act-for"));

            List<JsonNode> unknown = refused.stream()
                    .filter(e -> e.path("data").path("code").asText().equals("credential-unknown")).toList();
            long windows = (long) Math.ceil(floodSeconds / WINDOW_SECONDS) + 2;
            assertTrue(unknown.size() + " entries for " + FLOOD + " refusals in " + floodSeconds + " s",
                    unknown.size() <= windows * PER_WINDOW && unknown.size() < FLOOD / 4);
            assertTrue("some were only counted: " + Ledger.describe(unknown),
                    unknown.stream().anyMatch(e -> e.path("data").path("suppressed").asLong() > 0));
            for (JsonNode entry : refused) {
                JsonNode data = entry.path("data");
                assertEquals("intake-rest", data.path("surface").asText());
                String text = data.toString();
                assertFalse("no credential in the journal: " + text, text.contains(FORGED_KEY));
                assertFalse("no client address in the journal: " + text, text.contains("127.0.0.1"));
                if (data.has("client")) {
                    assertTrue(text, data.get("client").asText().matches("hmac-sha256:[0-9a-f]{32}"));
                }
            }

            // every one reaches rsyslog over TLS, as an OCSF Detection Finding with the ledger's seq and hash
            Map<Long, String> hashes = refused.stream().collect(Collectors.toMap(
                    e -> e.path("seq").asLong(), e -> e.path("hash").asText()));
            Map<Long, String> lines = awaitSyslog(rsyslog, hashes.keySet());
            for (Map.Entry<Long, String> line : lines.entrySet()) {
                String raw = line.getValue();
                assertTrue(raw, raw.contains("hash=\"" + hashes.get(line.getKey()) + "\""));
                assertTrue(raw, raw.contains("\"class_uid\":2004"));
                assertTrue(raw, raw.contains("\"title\":\"access.refused: "));
                assertFalse(raw, raw.contains(FORGED_KEY));
            }
            JsonNode carrier = unknown.stream().filter(e -> e.path("data").path("suppressed").asLong() > 0)
                    .findFirst().orElseThrow();
            String carried = lines.get(carrier.path("seq").asLong());
            assertTrue(carried, carried.contains("\"count\":" + carrier.path("data").path("refusals").asLong()));
            // the evidence bundle of the period holds them, and countersign-verify accepts it
            java.net.http.HttpResponse<byte[]> bundle = api.download("/v1/evidence?from=2000-01-01T00:00:00Z&to="
                    + java.time.Instant.now(), credentials.reviewerToken("erin"));
            assertEquals(200, bundle.statusCode());
            Path zip = Files.write(dir.resolve("evidence.zip"), bundle.body());
            Verifier.Outcome verified = Verifier.run(zip);
            assertEquals(verified.output(), 0, verified.exitCode());

            System.out.printf("SecurityEventsIT: %d bad keys in %.1f s made %d access.refused entries (%s)%n",
                    FLOOD, floodSeconds, unknown.size(), refusals);
        }
    }

    /** The raw rsyslog line of each of these seqs, once rsyslog has them all. */
    private static Map<Long, String> awaitSyslog(Rsyslog rsyslog, java.util.Set<Long> seqs) throws Exception {
        Path log = rsyslog.dir().resolve("received.log");
        java.util.regex.Pattern seq = java.util.regex.Pattern.compile("\\[countersign@32473 seq=\"(\\d+)\"");
        long deadline = System.nanoTime() + 60_000_000_000L;
        Map<Long, String> found = Map.of();
        while (System.nanoTime() < deadline) {
            List<String> all = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : new ArrayList<>();
            found = all.stream().map(line -> {
                java.util.regex.Matcher m = seq.matcher(line);
                return m.find() ? Map.entry(Long.parseLong(m.group(1)), line) : null;
            }).filter(e -> e != null && seqs.contains(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));
            if (found.keySet().containsAll(seqs)) {
                return found;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("rsyslog received " + found.size() + " of the " + seqs.size()
                + " access.refused entries");
    }
}
