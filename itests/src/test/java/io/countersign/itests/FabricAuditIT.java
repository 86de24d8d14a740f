package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The distribution with the Fabric audit feature on, against a real dev network: requests flow, every entry is
 * anchored exactly once and in order, also across an outage of the peer, and the regulator's verifier confirms the
 * entries on Fabric.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FabricAuditIT extends CountersignTestSupport {

    private static final String FEATURE = "countersign-audit-fabric";
    private static final String AGENT = "analytics-agent";
    private static final String QUERY = Api.action("db.query", "analytics.events", "staging", "{}", "alice");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Ledger ledger;

    @Inject
    protected FeaturesService features;

    /** Runs in the test JVM, before Karaf starts: the network is this class's own. */
    @Override
    @Configuration
    public Option[] config() throws IOException {
        FabricNetwork network = FabricNetwork.dev(Path.of("target/fabric-dev").toAbsolutePath());
        try {
            network.upFresh();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        List<Option> options = new ArrayList<>(List.of(super.config()));
        Properties audit = network.auditConfiguration();
        audit.setProperty("windowMillis", "200");
        audit.setProperty("retryMaxMillis", "2000");
        for (String key : audit.stringPropertyNames()) {
            options.add(editConfigurationFilePut("etc/io.countersign.audit.fabric.cfg", key, audit.getProperty(key)));
        }
        options.add(systemProperty("countersign.fabric.dir").value(network.dir().toString()));
        options.add(systemProperty("countersign.fabric.kind").value(network.kind()));
        options.add(systemProperty("countersign.fabric.script").value(FabricNetwork.script()));
        return options.toArray(Option[]::new);
    }

    @Before
    public void auditFeatureInstalled() throws Exception {
        if (!features.isInstalled(features.getFeature(FEATURE))) {
            features.installFeature(FEATURE);
        }
        if (ledger == null) {
            ledger = new Ledger(api, credentials.reviewerToken("erin"));
        }
    }

    @Test
    public void requestsAreAnchored_andTheVerifierConfirmsEveryEntryOnFabric() throws Exception {
        Instant from = Instant.now();
        for (int i = 0; i < 5; i++) {
            Api.Answer answer = api.post("/v1/actions", credentials.agentKey(AGENT), QUERY);
            assertTrue(answer.raw(), answer.status() < 300);
        }
        Instant to = Instant.now();
        long size = ledger.size();
        JsonNode confirmation = awaitAnchoredThrough(size);
        assertEquals("countersign", confirmation.path("data").path("channel").asText());
        assertEquals("anchors", confirmation.path("data").path("chaincode").asText());
        assertTrue(confirmation.toString(), confirmation.path("data").path("block").asLong() > 0);

        JsonNode head = JSON.readTree(network().query("Head", origin()));
        assertTrue(head.toString(), head.path("size").asLong() >= size);
        JsonNode segment = JSON.readTree(network().query("SegmentOf", origin(), Long.toString(size - 1)));
        assertTrue(segment.toString(), segment.path("from").asLong() < size && segment.path("to").asLong() >= size);

        Path bundle = download("/v1/evidence?from=" + from + "&to=" + to);
        Verifier.Outcome verified = Verifier.run(bundle, "--fabric", network().connectionJson().toString());
        assertEquals(verified.output(), 0, verified.exitCode());
        assertTrue(verified.output(), verified.output().contains("tx " + confirmation.path("data").path("txId")
                .asText() + " block " + confirmation.path("data").path("block").asLong()));

    }

    @Test
    public void fabricDownWhileRequestsFlow_everyEntryIsAnchoredOnceAndInOrderWhenItReturns() throws Exception {
        assertTrue(api.post("/v1/actions", credentials.agentKey(AGENT), QUERY).status() < 300);
        awaitAnchoredThrough(ledger.size());
        network().stop("peer0.operator");
        long outageStart = ledger.size();
        try {
            for (int i = 0; i < 30; i++) {
                Api.Answer answer = api.post("/v1/actions", credentials.agentKey(AGENT), QUERY);
                assertTrue("intake goes on while Fabric is down: " + answer.raw(), answer.status() < 300);
            }
            Thread.sleep(2000);
            long anchoredDuringOutage = Ledger.ofType(ledger.since(outageStart), "anchor.confirmed").size();
            assertEquals("nothing can be confirmed while the peer is down", 0, anchoredDuringOutage);
        } finally {
            network().start("peer0.operator");
        }
        long size = ledger.size();
        awaitAnchoredThrough(size);

        List<JsonNode> entries = ledger.since(0);
        long previousTo = 0;
        for (JsonNode confirmation : Ledger.ofType(entries, "anchor.confirmed")) {
            long from = confirmation.path("data").path("from").asLong();
            long to = confirmation.path("data").path("to").asLong();
            assertTrue("confirmations are in order and never overlap: " + confirmation, from >= previousTo && to > from);
            for (long seq = previousTo; seq < from; seq++) {
                assertEquals("only confirmations are left out of confirmed batches", "anchor.confirmed",
                        entries.get((int) seq).path("type").asText());
            }
            previousTo = to;
        }
        JsonNode head = JSON.readTree(network().query("Head", origin()));
        assertTrue(head.toString(), head.path("size").asLong() >= size);
        for (long seq = outageStart; seq < size; seq += 7) {
            JsonNode segment = JSON.readTree(network().query("SegmentOf", origin(), Long.toString(seq)));
            byte[] hashes = java.util.Base64.getDecoder().decode(segment.path("entryHashes").asText());
            int offset = (int) (seq - segment.path("from").asLong()) * 32;
            String anchored = java.util.HexFormat.of().formatHex(hashes, offset, offset + 32);
            assertEquals("entry " + seq, entries.get((int) seq).path("hash").asText(), "sha256:" + anchored);
        }
    }

    private JsonNode awaitAnchoredThrough(long size) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<JsonNode> confirmations = Ledger.ofType(ledger.since(0), "anchor.confirmed");
            for (JsonNode confirmation : confirmations) {
                if (confirmation.path("data").path("to").asLong() >= size) {
                    return confirmation;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no anchor.confirmed covers the first " + size + " entries within " + WAIT
                        + "; confirmations: " + Ledger.describe(confirmations));
            }
            Thread.sleep(200);
        }
    }

    private static FabricNetwork network() {
        return FabricNetwork.fromSystemProperties();
    }

    private String origin() throws Exception {
        return api.get("/v1/ledger/keys", null).text("origin");
    }

    private Path download(String path) throws Exception {
        HttpResponse<byte[]> response = api.download(path, credentials.reviewerToken("erin"));
        assertEquals(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8), 200, response.statusCode());
        return Files.write(Files.createTempFile(work(), "evidence", ".zip"), response.body());
    }
}
