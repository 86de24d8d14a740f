package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * {@code countersign run} as docs/pipelines.md runs it in GitHub Actions (the jar with {@code java -jar}, the
 * configuration in environment variables, CI=true), against the assembled distribution. Reviewers answer through the
 * API while the CLI waits.
 */
public class PipelineCliIT {

    private static final String AGENT = "ops-agent";
    private static final String COMMIT = "3f2c9e1d8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d";
    private static Distribution distribution;
    private static Credentials credentials;
    private static Path work;

    @BeforeClass
    public static void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "pipeline-");
        work = Files.createDirectories(dir.resolve("workspace"));
        distribution = Distribution.unpack(dir.resolve("countersign"));
        distribution.start();
        credentials = Credentials.read(distribution.data().resolve("demo-credentials.json"));
    }

    @AfterClass
    public static void stop() throws Exception {
        if (distribution != null) {
            distribution.close();
        }
    }

    /** What a GitHub Actions job gives the step: a run of its own, and Countersign's secrets. */
    private static Map<String, String> githubJob(String runId) {
        return Map.of("COUNTERSIGN_URL", distribution.baseUrl(), "COUNTERSIGN_AGENT_KEY", credentials.agentKey(AGENT),
                "CI", "true", "GITHUB_ACTIONS", "true", "GITHUB_RUN_ID", runId, "GITHUB_RUN_ATTEMPT", "1",
                "GITHUB_REPOSITORY", "acme/payments", "GITHUB_JOB", "deploy");
    }

    private static List<String> deploy(String shellCommand) {
        return List.of("--action", "deploy.apply", "--resource", "prod/payments", "--env", "production",
                "--param", "replicas=3", "--param", "commit=" + COMMIT, "--justification",
                "Release main (" + COMMIT + ") by octocat", "--",
                "sh", "-c", shellCommand);
    }

    private static List<String> stagingMigration(String shellCommand) {
        return List.of("--action", "db.write", "--resource", "payments.ledger", "--env", "staging",
                "--param", "migration=V42__add_index", "--justification", "schema migration for release 2026.12.1",
                "--", "sh", "-c", shellCommand);
    }

    private static JsonNode request(String id) throws Exception {
        Api.Answer answer = distribution.api().get("/v1/actions/" + id, credentials.reviewerToken("erin"));
        assertEquals(answer.raw(), 200, answer.status());
        return answer.body();
    }

    private static void vote(String id, String reviewer, String verdict, String comment) throws Exception {
        Api.Answer answer = distribution.api().post("/v1/actions/" + id + "/reviews",
                credentials.reviewerToken(reviewer),
                "{\"verdict\":\"" + verdict + "\",\"comment\":\"" + comment + "\"}");
        assertEquals(answer.raw(), 200, answer.status());
    }

    private static String sha256(String text) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String awaitRequestId(CliProcess cli) throws Exception {
        return Poll.until("the CLI naming its request", Duration.ofSeconds(60), cli::requestId);
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    public void anAllowedStepRunsAtOnce_andItsExecutionIsReported() throws Exception {
        CliProcess cli = CliProcess.start(work, githubJob(UUID.randomUUID().toString()),
                stagingMigration("echo migrated V42; echo 'a warning' >&2"));

        assertEquals(cli.stderr(), 0, cli.waitFor(120));

        assertEquals("migrated V42\n", cli.stdout());
        assertTrue(cli.stderr(), cli.stderr().contains("a warning"));
        assertTrue("plain, timestamped lines in CI: " + cli.stderr(),
                cli.stderr().matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ countersign: asked for"
                        + " db.write.*"));
        JsonNode request = request(cli.requestId());
        assertEquals("allowed", request.path("status").asText());
        assertEquals("V42__add_index", request.path("parameters").path("migration").asText());
        assertEquals("success", request.path("execution").path("outcome").asText());
        assertEquals(sha256("migrated V42\n"), request.path("execution").path("resultDigest").asText());
        assertTrue(request.path("execution").path("detail").asText().startsWith("exit code 0, "));
    }

    @Test
    public void aStepWaitsForItsReviewer_showingProgress_andRunsOnceApproved() throws Exception {
        Path marker = work.resolve("deployed-" + UUID.randomUUID());
        List<String> args = new ArrayList<>(List.of("--progress", "tty"));
        args.addAll(deploy("echo deployed >> " + marker + "; echo replicas=3"));
        CliProcess cli = CliProcess.start(work, githubJob(UUID.randomUUID().toString()), args);
        String id = awaitRequestId(cli);

        Poll.until("the progress line", Duration.ofSeconds(30),
                () -> cli.stderr().contains("\rcountersign: waiting for " + id
                        + ": 0 approvals of security 1; waited "),
                cli::stderr);
        assertTrue(cli.stderr(), cli.stderr().contains("asked: reviewers in security (1 approval), on every"
                + " configured channel"));
        assertTrue(cli.stderr(), cli.stderr().contains("; deadline "));
        assertTrue("not run before approval", lines(marker).isEmpty());
        vote(id, "erin", "approve", "release looks good");

        assertEquals(cli.stderr(), 0, cli.waitFor(120));
        assertTrue(cli.stderr(), cli.stderr().contains("erin approved via api: \"release looks good\""));
        assertTrue(cli.stderr(), cli.stderr().contains("APPROVED by erin"));
        assertEquals(List.of("deployed"), lines(marker));
        assertEquals("replicas=3\n", cli.stdout());
        JsonNode request = request(id);
        assertNotNull(request.path("grant").path("consumedAt").textValue());
        assertEquals("success", request.path("execution").path("outcome").asText());
        assertEquals(3, request.path("parameters").path("replicas").asInt());
    }

    @Test
    public void aDeniedStepExitsWithTheDeniedCode_printingTheReasonsAndTheRequest() throws Exception {
        Path marker = work.resolve("exported-" + UUID.randomUUID());
        CliProcess cli = CliProcess.start(work, githubJob(UUID.randomUUID().toString()), List.of(
                "--action", "data.export", "--resource", "warehouse.customers", "--env", "production",
                "--param", "rows=2000000", "--param", "containsPii=true", "--on-behalf-of", "dave",
                "--justification", "full dump", "--", "sh", "-c", "touch " + marker));

        assertEquals(cli.stderr(), 65, cli.waitFor(120));

        String id = cli.requestId();
        assertTrue(cli.stderr(), cli.stderr().contains("request " + id + " was DENIED"));
        assertTrue(cli.stderr(), cli.stderr().contains("policy: "));
        assertEquals("denied", request(id).path("status").asText());
        assertFalse(Files.exists(marker));
    }

    @Test
    public void aReviewerDenialIsPrintedWithTheReviewersComment() throws Exception {
        CliProcess cli = CliProcess.start(work, githubJob(UUID.randomUUID().toString()), deploy("exit 0"));
        String id = awaitRequestId(cli);
        Poll.until("the CLI waiting", Duration.ofSeconds(30), () -> cli.stderr().contains("pending review"),
                cli::stderr);

        vote(id, "frank", "deny", "not during the freeze");

        assertEquals(cli.stderr(), 65, cli.waitFor(120));
        assertTrue(cli.stderr(), cli.stderr().contains("frank denied via api: \"not during the freeze\""));
    }

    @Test
    public void aFailingCommandIsReportedAsAFailedExecution_andItsExitCodeKept() throws Exception {
        CliProcess cli = CliProcess.start(work, githubJob(UUID.randomUUID().toString()),
                stagingMigration("echo half-way; exit 3"));

        assertEquals(cli.stderr(), 3, cli.waitFor(120));

        JsonNode execution = request(cli.requestId()).path("execution");
        assertEquals("failure", execution.path("outcome").asText());
        assertEquals(sha256("half-way\n"), execution.path("resultDigest").asText());
        assertTrue(execution.toString(), execution.path("detail").asText().startsWith("exit code 3, "));
    }

    @Test
    public void aKilledStepRerunFindsItsRequest_andNeverRunsTheCommandTwiceOnOneGrant() throws Exception {
        String runId = UUID.randomUUID().toString();
        Path marker = work.resolve("ran-" + runId);
        List<String> args = deploy("echo ran >> " + marker + "; sleep 60");

        CliProcess waiting = CliProcess.start(work, githubJob(runId), args);
        String id = awaitRequestId(waiting);
        Poll.until("the CLI waiting", Duration.ofSeconds(30), () -> waiting.stderr().contains("pending review"),
                waiting::stderr);
        waiting.kill();

        CliProcess rerun = CliProcess.start(work, githubJob(runId), args);
        Poll.until("the rerun finding the same request", Duration.ofSeconds(60),
                () -> rerun.stderr().contains("found request " + id), rerun::stderr);
        vote(id, "erin", "approve", "go");
        Poll.until("the command running", Duration.ofSeconds(60), () -> lines(marker).size() == 1, rerun::stderr);
        rerun.killWithCommand();

        CliProcess third = CliProcess.start(work, githubJob(runId), args);
        assertEquals(third.stderr(), 68, third.waitFor(120));
        assertTrue(third.stderr(), third.stderr().contains("found request " + id));
        assertTrue(third.stderr(), third.stderr().contains("ALREADY CONSUMED"));
        assertTrue(third.stderr(), third.stderr().contains("NOT run again"));
        assertEquals("the command ran once", List.of("ran"), lines(marker));
        JsonNode request = request(id);
        assertNotNull(request.path("grant").path("consumedAt").textValue());
        assertTrue("the killed run reported nothing", request.path("execution").isMissingNode());
    }
}
