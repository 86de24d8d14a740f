package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Decision;
import io.countersign.api.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailClosedTest {
    @TempDir
    Path dir;

    @Test
    void aConsequenceThatThrowsIsADenialNamingTheError() {
        Drl.write(dir, "boom.drl", Drl.file(
                Drl.rule("Allows first", "action == \"db.query\"", "$a.allow(\"fine\");"),
                Drl.rule("Throws", "action == \"db.query\"",
                        "throw new IllegalStateException(\"rule bug: divide by zero\");")));
        Decision decision = decideQuery();
        assertEquals(Outcome.DENY, decision.outcome());
        assertEquals(1, decision.reasons().size());
        assertTrue(decision.reasons().get(0).startsWith("policy evaluation failed: "), decision.reasons()::toString);
        assertTrue(decision.reasons().get(0).contains("rule bug: divide by zero"), decision.reasons()::toString);
        assertTrue(decision.policyVersion().startsWith("sha256:"));
    }

    @Test
    void aDecisionMethodCalledWrongIsADenial() {
        Drl.write(dir, "bad.drl", Drl.file(
                Drl.rule("Zero approvals", "action == \"db.query\"", "$a.review(\"security\", 0, \"oops\");"),
                Drl.rule("Bad deadline", "action == \"db.write\"",
                        "$a.review(\"security\", 1, \"ok\"); $a.deadline(\"one hour\");")));
        try (PolicyRuntime runtime = loaded()) {
            Decision zero = runtime.decide(Requests.request("db.query", "staging", "{}"), Requests.AGENT);
            assertEquals(Outcome.DENY, zero.outcome());
            assertTrue(zero.reasons().get(0).contains("at least 1 approval"), zero.reasons()::toString);
            Decision deadline = runtime.decide(Requests.request("db.write", "staging", "{}"), Requests.AGENT);
            assertEquals(Outcome.DENY, deadline.outcome());
            assertTrue(deadline.reasons().get(0).contains("ISO-8601"), deadline.reasons()::toString);
        }
    }

    @Test
    void anEmptyRulesDirectoryMatchesNothing() {
        try (PolicyRuntime runtime = loaded()) {
            assertTrue(runtime.version().startsWith("sha256:"), "an empty rule set is still a rule set");
            Decision decision = runtime.decide(Requests.request("db.query", "staging", "{}"), Requests.AGENT);
            assertEquals(Outcome.DENY, decision.outcome());
            assertEquals(List.of("no rule matched this action"), decision.reasons());
            assertEquals(List.of(), decision.rules());
        }
    }

    @Test
    void aRuleThatFiresWithoutDecidingStillFailsClosed() {
        Drl.write(dir, "quiet.drl", Drl.file(Drl.rule("Only looks", "action == \"db.query\"",
                "String seen = $a.getResource();")));
        Decision decision = decideQuery();
        assertEquals(Outcome.DENY, decision.outcome());
        assertEquals(List.of("no rule matched this action"), decision.reasons());
        assertEquals(List.of("Only looks"), decision.rules());
    }

    @Test
    void aMissingRulesDirectoryMeansNoRuleSet() {
        try (PolicyRuntime runtime = new PolicyRuntime(dir.resolve("absent"), Duration.ofHours(1),
                Requests.loader())) {
            ReloadResult result = runtime.reload();
            assertEquals(ReloadResult.Status.REJECTED, result.status());
            Decision decision = runtime.decide(Requests.request("db.query", "staging", "{}"), Requests.AGENT);
            assertEquals(Outcome.DENY, decision.outcome());
            assertEquals(PolicyRuntime.NO_VERSION, decision.policyVersion());
            assertTrue(decision.reasons().get(0).contains("does not exist"), decision.reasons()::toString);
            assertTrue(runtime.failure().contains("does not exist"), "readiness reports why: " + runtime.failure());
        }
    }

    @Test
    void aRuntimeWithARuleSetReportsNoFailure() {
        Drl.write(dir, "ok.drl", Drl.file(Drl.rule("Allows", "action == \"db.query\"", "$a.allow(\"fine\");")));
        try (PolicyRuntime runtime = loaded()) {
            assertEquals(null, runtime.failure());
        }
    }

    @Test
    void beforeAnyLoadEverythingIsDenied() {
        try (PolicyRuntime runtime = new PolicyRuntime(dir, Duration.ofHours(1), Requests.loader())) {
            Decision decision = runtime.decide(Requests.request("db.query", "staging", "{}"), Requests.AGENT);
            assertEquals(Outcome.DENY, decision.outcome());
            assertEquals(PolicyRuntime.NO_VERSION, runtime.version());
            assertEquals("no rule set has been loaded", runtime.failure());
        }
    }

    @Test
    void aNullRequestIsADenialNotAnException() {
        Drl.write(dir, "ok.drl", Drl.file(Drl.rule("Allows", "action == \"db.query\"", "$a.allow(\"fine\");")));
        try (PolicyRuntime runtime = loaded()) {
            Decision decision = runtime.decide(null, Requests.AGENT);
            assertEquals(Outcome.DENY, decision.outcome());
            assertTrue(decision.reasons().get(0).startsWith("policy evaluation failed: "));
        }
    }

    private Decision decideQuery() {
        try (PolicyRuntime runtime = loaded()) {
            return runtime.decide(Requests.request("db.query", "staging", "{}"), Requests.AGENT);
        }
    }

    private PolicyRuntime loaded() {
        PolicyRuntime runtime = new PolicyRuntime(dir, Duration.ofHours(1), Requests.loader());
        ReloadResult result = runtime.reload();
        assertEquals(ReloadResult.Status.ACTIVATED, result.status(), result.errors()::toString);
        return runtime;
    }
}
