package io.countersign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunOptionsTest {

    private static final Map<String, String> ENV = Map.of("COUNTERSIGN_AGENT_KEY", "k",
            "COUNTERSIGN_URL", "http://countersign:8181");

    private static RunOptions parse(Map<String, String> env, String... args) throws UsageException {
        return RunOptions.parse(List.of(args), env);
    }

    @Test
    void readsTheActionTheCommandAndTheEnvironment() throws UsageException {
        RunOptions options = parse(ENV, "--action", "deploy.apply", "--resource=prod/payments", "--env", "production",
                "--param", "replicas=3", "--param", "image=payments:1.4.2", "--on-behalf-of", "alice",
                "--justification", "release 1.4.2", "--timeout", "30m", "--", "./deploy.sh", "--replicas", "3");

        assertEquals("http://countersign:8181", options.url().toString());
        assertEquals("k", options.agentKey());
        assertEquals("{\"action\":\"deploy.apply\",\"resource\":\"prod/payments\",\"parameters\":{\"replicas\":3,"
                + "\"image\":\"payments:1.4.2\"},\"environment\":\"production\",\"onBehalfOf\":[\"alice\"]}",
                options.action().toJson().toString());
        assertEquals(Duration.ofMinutes(30), options.timeout());
        assertEquals(List.of("./deploy.sh", "--replicas", "3"), options.command());
        assertNull(options.occurrence());
    }

    @Test
    void theOccurrenceIsTheCiRunAndJob_notTheAttempt() throws UsageException {
        Map<String, String> github = new java.util.HashMap<>(ENV);
        github.putAll(Map.of("GITHUB_RUN_ID", "991", "GITHUB_RUN_ATTEMPT", "2", "GITHUB_REPOSITORY", "acme/payments",
                "GITHUB_JOB", "deploy"));
        assertEquals("github:acme/payments/991/deploy", parse(github, "--action", "a.b", "--resource", "r", "--env",
                "production", "--justification", "j", "--", "true").occurrence());

        Map<String, String> gitlab = new java.util.HashMap<>(ENV);
        gitlab.putAll(Map.of("CI_PIPELINE_ID", "77", "CI_JOB_ID", "1234", "CI_PROJECT_PATH", "acme/payments",
                "CI_JOB_NAME", "deploy"));
        assertEquals("gitlab:acme/payments/77/deploy", parse(gitlab, "--action", "a.b", "--resource", "r", "--env",
                "production", "--justification", "j", "--", "true").occurrence());
    }

    @Test
    void refusesWhatWouldAskForSomethingElseThanMeant() {
        assertThrows(UsageException.class, () -> parse(ENV, "--action", "a.b", "--resource", "r", "--env", "staging",
                "--justification", "j"), "no command");
        assertThrows(UsageException.class, () -> parse(ENV, "--action", "a.b", "--resource", "r", "--env", "staging",
                "--", "true"), "no justification");
        assertThrows(UsageException.class, () -> parse(Map.of(), "--action", "a.b", "--resource", "r", "--env",
                "staging", "--justification", "j", "--", "true"), "no agent key");
        assertThrows(UsageException.class, () -> parse(ENV, "--action", "a.b", "--resource", "r", "--env", "staging",
                "--justification", "j", "--param", "n=1", "--param", "n=2", "--", "true"), "a parameter twice");
        UsageException unknown = assertThrows(UsageException.class, () -> parse(ENV, "--actoin", "a.b", "--", "x"));
        assertTrue(unknown.getMessage().contains("--actoin"));
    }

    @Test
    void parameterValuesAreJsonOnlyWhenTheyReadBackAsTyped() throws UsageException {
        assertEquals("3", Parameters.value("3").toString());
        assertEquals("0.5", Parameters.value("0.5").toString());
        assertEquals("true", Parameters.value("true").toString());
        assertEquals("[\"eu\",\"us\"]", Parameters.value("[\"eu\",\"us\"]").toString());
        assertEquals("\"1.10\"", Parameters.value("1.10").toString());
        assertEquals("\"007\"", Parameters.value("007").toString());
        assertEquals("\"1e3\"", Parameters.value("1e3").toString());
        assertEquals("\"9007199254740993\"", Parameters.value("9007199254740993").toString());
        assertEquals("\"payments:1.4.2\"", Parameters.value("payments:1.4.2").toString());
        assertThrows(UsageException.class, () -> Parameters.value("{not json"));
    }
}
