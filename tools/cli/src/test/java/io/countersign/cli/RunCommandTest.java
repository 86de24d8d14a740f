package io.countersign.cli;

import static io.countersign.client.ScriptedServer.dropConnection;
import static io.countersign.client.ScriptedServer.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.client.Action;
import io.countersign.client.RequestJson;
import io.countersign.client.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decisions {@code countersign run} takes on the answers the real server cannot be made to give on demand. */
class RunCommandTest {

    @TempDir
    Path dir;
    private ScriptedServer server;
    private final ByteArrayOutputStream said = new ByteArrayOutputStream();
    private Path marker;

    @BeforeEach
    void startServer() throws Exception {
        server = ScriptedServer.started();
        marker = dir.resolve("ran");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private int run(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--action", "deploy.apply", "--resource", "prod/payments",
                "--env", "production", "--param", "replicas=3", "--on-behalf-of", "alice", "--justification",
                "release"));
        args.addAll(List.of(extra));
        args.addAll(List.of("--", "sh", "-c", "echo ran >> " + marker));
        RunOptions options = RunOptions.parse(args, Map.of("COUNTERSIGN_URL", server.uri().toString(),
                "COUNTERSIGN_AGENT_KEY", "k"));
        Progress progress = new Progress(new PrintStream(said, true, StandardCharsets.UTF_8), false,
                Clock.systemUTC());
        return new RunCommand(options, progress, Clock.systemUTC()).run();
    }

    private static Action deploy() {
        return Action.of("deploy.apply", "prod/payments", "production", Map.of("replicas", 3), "alice");
    }

    private String said() {
        return said.toString(StandardCharsets.UTF_8);
    }

    private boolean ran() {
        return Files.exists(marker);
    }

    @Test
    void aConsumptionWithoutAnAnswerIsNotTakenAsPermission() throws Exception {
        server.then("/v1/actions", RequestJson.answer(201, "r1", "allowed", 1, deploy()))
                .then("/v1/grants/consume", dropConnection());

        assertEquals(ExitCodes.CONSUME_UNKNOWN, run(), said());

        assertFalse(ran());
        assertEquals(1, server.seen("/v1/grants/consume").size());
    }

    @Test
    void aGrantConsumedMeanwhileByAnotherRunIsNotUsedAgain() throws Exception {
        server.then("/v1/actions/r1", ScriptedServer.json(200,
                        RequestJson.consumed(RequestJson.view("r1", "allowed", 2, deploy())).toString()))
                .then("/v1/actions", RequestJson.answer(201, "r1", "allowed", 1, deploy()))
                .then("/v1/grants/consume", problem(409, "already-consumed", "used at 20:02"));

        assertEquals(ExitCodes.ALREADY_CONSUMED, run(), said());

        assertFalse(ran());
        assertTrue(said().contains("ALREADY CONSUMED at 2026-12-07T20:02:00Z"), said());
    }

    @Test
    void aCommandThatCannotStartIsReportedAsAFailure() throws Exception {
        server.then("/v1/actions/r1/execution", RequestJson.answer(200, "r1", "allowed", 3, deploy()))
                .then("/v1/actions", RequestJson.answer(201, "r1", "allowed", 1, deploy()))
                .then("/v1/grants/consume", ScriptedServer.json(200,
                        RequestJson.consumed(RequestJson.view("r1", "allowed", 2, deploy())).toString()));
        RunOptions options = RunOptions.parse(List.of("--action", "deploy.apply", "--resource", "prod/payments",
                "--env", "production", "--param", "replicas=3", "--on-behalf-of", "alice", "--justification",
                "release", "--", dir.resolve("missing.sh").toString()), Map.of("COUNTERSIGN_URL",
                server.uri().toString(), "COUNTERSIGN_AGENT_KEY", "k"));

        int exit = new RunCommand(options, new Progress(new PrintStream(said, true, StandardCharsets.UTF_8), false,
                Clock.systemUTC()), Clock.systemUTC()).run();

        assertEquals(ExitCodes.COMMAND_NOT_STARTED, exit, said());
        JsonNode report = new ObjectMapper().readTree(server.seen("/v1/actions/r1/execution").get(0).body());
        assertEquals("failure", report.path("outcome").asText());
        assertTrue(report.path("detail").asText().startsWith("not started: "), report.toString());
    }

    @Test
    void aSuccessThatCouldNotBeReportedDoesNotPassAsSuccess() throws Exception {
        server.then("/v1/actions/r1/execution", problem(500, "internal-error", "nothing was recorded"))
                .then("/v1/actions", RequestJson.answer(201, "r1", "allowed", 1, deploy()))
                .then("/v1/grants/consume", ScriptedServer.json(200,
                        RequestJson.consumed(RequestJson.view("r1", "allowed", 2, deploy())).toString()));

        assertEquals(ExitCodes.NOT_REPORTED, run(), said());

        assertTrue(ran());
        assertTrue(said().contains("could NOT be reported"), said());
    }

    @Test
    void aRequestStillPendingAtTheTimeoutEndsWithoutRunning() throws Exception {
        server.otherwise("/v1/actions/r1", RequestJson.answer(200, "r1", "pending", 1, deploy()))
                .then("/v1/actions", RequestJson.answer(201, "r1", "pending", 1, deploy()));

        assertEquals(ExitCodes.STILL_PENDING, run("--timeout", "1s"), said());

        assertFalse(ran());
        assertTrue(said().contains("asked: reviewers in security (1 approval), on slack"), said());
    }

    @Test
    void anExpiredRequestEndsWithoutRunning() throws Exception {
        server.then("/v1/actions/r1", RequestJson.answer(200, "r1", "expired", 2, deploy()))
                .then("/v1/actions", RequestJson.answer(201, "r1", "pending", 1, deploy()));

        assertEquals(ExitCodes.EXPIRED, run(), said());

        assertFalse(ran());
    }

    @Test
    void anUnreachableServerIsItsOwnExitCode() throws Exception {
        server.stop();
        RunOptions options = RunOptions.parse(List.of("--action", "a.b", "--resource", "r", "--env", "staging",
                "--justification", "j", "--", "true"), Map.of("COUNTERSIGN_URL", server.uri().toString(),
                "COUNTERSIGN_AGENT_KEY", "k"));
        // a client that gives up at once; the CLI's own retries for two minutes
        int exit = new RunCommand(options, new Progress(new PrintStream(said, true, StandardCharsets.UTF_8), false,
                Clock.systemUTC()), Clock.systemUTC(), java.time.Duration.ZERO).run();

        assertEquals(ExitCodes.UNAVAILABLE, exit, said());
    }
}
