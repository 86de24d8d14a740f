package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.api.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions are reused across decisions, so nothing one decision leaves behind may reach the next. */
class ReusableSessionsTest {
    @TempDir
    Path dir;

    @Test
    void aRuleThatInsertsAFactDoesNotLeakItIntoLaterDecisions() {
        Drl.write(dir, "leak.drl", "package test.rules;\n\nimport io.countersign.policy.model.ActionFact;\n\n"
                + "rule \"Leaky\"\nwhen\n    $a : ActionFact(action == \"leak\")\nthen\n    insert(\"left behind\");"
                + " $a.allow(\"leak\");\nend\n\n"
                + "rule \"Sees what was left\"\nwhen\n    String()\n    $a : ActionFact()\nthen\n"
                + "    $a.deny(\"a fact from an earlier decision\");\nend\n\n"
                + "rule \"Queries\"\nwhen\n    $a : ActionFact(action == \"db.query\")\nthen\n    $a.allow(\"q\");\nend\n");
        PolicyRuntime runtime = Drl.activate(dir, Duration.ofHours(1));
        try {
            for (int i = 0; i < 50; i++) {
                assertEquals(Outcome.DENY, runtime.decide(Requests.request("leak", "staging", "{}"),
                        Requests.AGENT).outcome(), "within its own decision the inserted fact is seen");
                assertEquals(List.of("Queries"), runtime.decide(Requests.request("db.query", "staging", "{}"),
                        Requests.AGENT).rules());
            }
        } finally {
            runtime.close();
        }
    }

    @Test
    void aConsequenceThatThrowsLeavesNoHalfDoneSessionBehind() {
        Drl.write(dir, "throws.drl", Drl.file(
                Drl.rule("Throws", "action == \"boom\"", "$a.allow(\"first\"); $a.deadline(\"1h\");"),
                Drl.rule("Queries", "action == \"db.query\"", "$a.allow(\"q\");")));
        PolicyRuntime runtime = Drl.activate(dir, Duration.ofHours(1));
        try {
            for (int i = 0; i < 50; i++) {
                assertEquals(Outcome.DENY, runtime.decide(Requests.request("boom", "staging", "{}"),
                        Requests.AGENT).outcome());
                assertEquals(List.of("Queries"), runtime.decide(Requests.request("db.query", "staging", "{}"),
                        Requests.AGENT).rules());
            }
        } finally {
            runtime.close();
        }
    }
}
