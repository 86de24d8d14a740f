package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.api.Agent;
import io.countersign.api.Decision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The condition examples in rules/README.md compile and mean what the README says. */
class ConditionExamplesTest {
    @TempDir
    static Path dir;
    private static PolicyRuntime runtime;

    @BeforeAll
    static void load() {
        Drl.write(dir, "examples.drl", Drl.file(
                Drl.rule("Night write", "action == \"db.write\", production, hourOfDayUtc < 7 || hourOfDayUtc >= 19",
                        "$a.deny(\"night\");"),
                Drl.rule("Acts for a stranger", "!agentActsFor.containsAll(onBehalfOf)", "$a.deny(\"stranger\");"),
                Drl.rule("Public destination", "action == \"data.export\","
                        + " parameters[\"destination\"] == \"s3://public-bucket\"", "$a.deny(\"public\");"),
                Drl.rule("Region", "parameters[\"region\"] == \"eu-west-1\"", "$a.allow(\"eu\");")));
        runtime = Drl.activate(dir, Duration.ofHours(1));
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    void examplesMatchWhatTheReadmeSays() {
        // Requests are received at 03:04:05 UTC, on behalf of alice
        assertEquals(List.of("Night write"), fired("db.write", "production", "{}", Requests.AGENT));
        assertEquals(List.of(), fired("db.write", "staging", "{}", Requests.AGENT));
        assertEquals(List.of("Acts for a stranger"), fired("db.query", "staging", "{}",
                new Agent("agent-7", List.of("bob"))));
        assertEquals(List.of("Public destination"), fired("data.export", "staging",
                "{\"destination\": \"s3://public-bucket\"}", Requests.AGENT));
        assertEquals(List.of(), fired("data.export", "staging", "{\"destination\": \"s3://private\"}",
                Requests.AGENT));
        assertEquals(List.of("Region"), fired("db.query", "staging", "{\"region\": \"eu-west-1\"}", Requests.AGENT));
    }

    private static List<String> fired(String action, String environment, String parameters, Agent agent) {
        Decision decision = runtime.decide(Requests.request(action, environment, parameters), agent);
        return decision.rules();
    }
}
