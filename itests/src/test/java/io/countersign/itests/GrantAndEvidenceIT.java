package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;

/**
 * Grants, checkpoints, proofs and evidence over HTTP against the assembled distribution; every bundle exported is
 * checked by the independent offline verifier.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class GrantAndEvidenceIT extends CountersignTestSupport {

    private static final String AGENT = "analytics-agent";
    private static final String QUERY = Api.action("db.query", "analytics.events", "staging",
            "{\"sql\":\"select count(*) from events\"}", "alice");

    private static String consumeBody(String token, String action) {
        return "{\"grant\":\"" + token + "\",\"action\":" + action + "}";
    }

    @Test
    public void anAllowedActionRunsOnceWithItsGrant_andAnEditedOneNever() throws Exception {
        String key = credentials.agentKey(AGENT);
        Api.Answer allowed = api.post("/v1/actions", key, QUERY);
        assertEquals(allowed.raw(), "allowed", allowed.text("status"));
        String id = allowed.text("id");
        JsonNode grant = allowed.body().path("grant");
        String token = grant.path("token").asText();
        assertEquals(allowed.text("digest"), grant.path("digest").asText());
        assertEquals(3, token.split("\\.").length);

        String edited = Api.action("db.query", "analytics.events", "staging", "{\"sql\":\"drop table events\"}",
                "alice");
        Api.Answer mismatch = api.post("/v1/grants/consume", key, consumeBody(token, edited));
        assertEquals(mismatch.raw(), 403, mismatch.status());
        assertEquals("action-mismatch", mismatch.text("reason"));

        Api.Answer report = api.post("/v1/actions/" + id + "/execution", key, "{\"outcome\":\"success\"}");
        assertEquals(report.raw(), 409, report.status());
        assertEquals("not-consumed", report.text("reason"));

        Api.Answer consumed = api.post("/v1/grants/consume", key, consumeBody(token, QUERY));
        assertEquals(consumed.raw(), 200, consumed.status());
        assertTrue(consumed.body().path("grant").has("consumedAt"));
        Api.Answer again = api.post("/v1/grants/consume", key, consumeBody(token, QUERY));
        assertEquals(again.raw(), 409, again.status());
        assertEquals("already-consumed", again.text("reason"));

        Api.Answer executed = api.post("/v1/actions/" + id + "/execution", key,
                "{\"outcome\":\"success\",\"affected\":42,\"resultDigest\":\"sha256:" + "b".repeat(64) + "\"}");
        assertEquals(executed.raw(), 200, executed.status());
        assertEquals(42, executed.body().path("execution").path("affected").asInt());

        Api.Answer otherAgent = api.post("/v1/grants/consume", credentials.agentKey("ops-agent"),
                consumeBody(token, QUERY));
        assertEquals(otherAgent.raw(), 403, otherAgent.status());
        assertEquals("not-yours", otherAgent.text("reason"));

        Path bundle = download("/v1/evidence?request=" + id, credentials.reviewerToken("erin"));
        Verifier.Outcome verified = Verifier.run(bundle);
        assertEquals(verified.output(), 0, verified.exitCode());
    }

    @Test
    public void checkpointsProofsAndKeysAreServedToAnyone() throws Exception {
        api.post("/v1/actions", credentials.agentKey(AGENT), QUERY);
        JsonNode checkpoint = awaitCheckpoint();
        long size = checkpoint.path("size").asLong();
        String note = checkpoint.path("note").asText();
        assertTrue(note, note.startsWith(checkpoint.path("origin").asText() + "\n" + size + "\n"));

        boolean listed = false;
        for (JsonNode listedKey : api.get("/v1/ledger/keys", null).body().path("keys")) {
            listed |= listedKey.path("keyId").asText().equals(checkpoint.path("keyId").asText());
        }
        assertTrue("the key that signed the checkpoint is listed", listed);

        Api.Answer inclusion = api.get("/v1/ledger/proof/inclusion?entry=0&size=" + size, null);
        assertEquals(inclusion.raw(), 200, inclusion.status());
        assertEquals(note, inclusion.text("checkpoint"));
        assertEquals(32, Base64.getDecoder().decode(inclusion.text("leafHash")).length);

        Api.Answer consistency = api.get("/v1/ledger/proof/consistency?from=1&to=" + size, null);
        assertEquals(consistency.raw(), 200, consistency.status());

        Api.Answer beyond = api.get("/v1/ledger/proof/inclusion?entry=" + size + "&size=" + size, null);
        assertEquals(beyond.raw(), 400, beyond.status());
        assertEquals("application/problem+json", beyond.contentType());
    }

    @Test
    public void aRangeBundleVerifiesAgainstACheckpointTheAuditorAlreadyTrusted() throws Exception {
        Instant from = Instant.now();
        String key = credentials.agentKey(AGENT);
        api.post("/v1/actions", key, QUERY);
        JsonNode trusted = awaitCheckpoint();
        Path trustedNote = Files.writeString(Files.createTempFile(work(), "trusted", ".txt"),
                trusted.path("note").asText());
        for (int i = 0; i < 20; i++) {
            api.post("/v1/actions", key, QUERY);
        }
        Instant to = Instant.now();
        Path bundle = download("/v1/evidence?from=" + from + "&to=" + to + "&trustedSize="
                + trusted.path("size").asLong(), credentials.reviewerToken("erin"));
        Path keys = Files.writeString(Files.createTempFile(work(), "keys", ".json"),
                api.get("/v1/ledger/keys", null).raw());

        Verifier.Outcome verified = Verifier.run(bundle, "--trusted-checkpoint", trustedNote.toString(), "--keys",
                keys.toString());
        assertEquals(verified.output(), 0, verified.exitCode());
    }

    @Test
    public void aRotatedKeyKeepsEarlierCheckpointsVerifiable_andTheExportCommandWritesABundle() throws Exception {
        Instant from = Instant.now();
        String key = credentials.agentKey(AGENT);
        api.post("/v1/actions", key, QUERY);
        JsonNode beforeRotation = awaitCheckpoint();

        String rotated = shell("countersign:rotate-key");
        assertTrue(rotated, rotated.contains("Signing key " + beforeRotation.path("keyId").asText() + " retired"));
        JsonNode keys = api.get("/v1/ledger/keys", null).body().path("keys");
        assertEquals(2, keys.size());
        assertTrue(keys.get(0).has("retiredAt"));

        api.post("/v1/actions", key, QUERY);
        JsonNode afterRotation = awaitCheckpoint();
        assertTrue(!afterRotation.path("keyId").asText().equals(beforeRotation.path("keyId").asText()));

        Path bundle = work().resolve("exported-" + System.nanoTime() + ".zip");
        String exported = shell("countersign:export --from " + from + " --to " + Instant.now() + " --trusted-size "
                + beforeRotation.path("size").asLong() + " " + bundle);
        assertTrue(exported, exported.contains("Evidence written to " + bundle));
        Path trusted = Files.writeString(Files.createTempFile(work(), "trusted", ".txt"),
                beforeRotation.path("note").asText());
        Path pinned = Files.writeString(Files.createTempFile(work(), "keys", ".json"),
                api.get("/v1/ledger/keys", null).raw());
        Verifier.Outcome verified = Verifier.run(bundle, "--trusted-checkpoint", trusted.toString(), "--keys",
                pinned.toString());
        assertEquals(verified.output(), 0, verified.exitCode());
    }

    /** Runs a Karaf shell command as an operator would, waiting for the command to be registered. */
    private String shell(String command) throws Exception {
        SessionFactory factory = bundleContext.getService(bundleContext.getServiceReference(SessionFactory.class));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
            Session session = factory.create(new ByteArrayInputStream(new byte[0]), print, print);
            try {
                session.execute(command);
                return output.toString(StandardCharsets.UTF_8);
            } catch (Exception e) {
                if (System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("not found")) {
                    throw new AssertionError(command + " failed: " + output.toString(StandardCharsets.UTF_8), e);
                }
                Thread.sleep(200);
            } finally {
                session.close();
            }
        }
    }

    private JsonNode awaitCheckpoint() throws Exception {
        long size = api.get("/v1/health", null).body().path("journalSize").asLong();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            Api.Answer answer = api.get("/v1/ledger/checkpoint", null);
            if (answer.status() == 200 && answer.body().path("size").asLong() >= size) {
                return answer.body();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no checkpoint covered " + size + " entries within 10 s");
    }

    private Path download(String path, String token) throws Exception {
        HttpResponse<byte[]> response = api.download(path, token);
        assertEquals(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8), 200,
                response.statusCode());
        assertEquals("application/zip", response.headers().firstValue("Content-Type").orElse(""));
        Path file = Files.createTempFile(work(), "evidence", ".zip");
        return Files.write(file, response.body());
    }
}
