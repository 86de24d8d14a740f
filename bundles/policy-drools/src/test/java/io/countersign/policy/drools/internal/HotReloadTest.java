package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Decision;
import io.countersign.api.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotReloadTest {
    static final String ALLOW_QUERIES = Drl.file(Drl.rule("Queries are allowed", "action == \"db.query\"",
            "$a.allow(\"queries are fine\");"));
    static final String DENY_QUERIES = Drl.file(Drl.rule("Queries are denied", "action == \"db.query\"",
            "$a.deny(\"queries are off today\");"));
    static final String BROKEN = Drl.file(Drl.rule("Broken rule", "action == \"db.query\"",
            "$a.allow(\"missing parenthesis\";"));

    @TempDir
    Path dir;

    @Test
    void aBrokenRuleSetNeverReplacesAGoodOne() {
        Drl.write(dir, "policy.drl", ALLOW_QUERIES);
        try (PolicyRuntime runtime = runtime()) {
            ReloadResult first = runtime.reload();
            assertEquals(ReloadResult.Status.ACTIVATED, first.status(), first.errors()::toString);
            String good = runtime.version();
            assertEquals(first.version(), good);
            assertEquals(Outcome.ALLOW, query(runtime).outcome());

            Drl.write(dir, "policy.drl", BROKEN);
            ReloadResult broken = runtime.reload();
            assertEquals(ReloadResult.Status.REJECTED, broken.status());
            assertNotEquals(good, broken.version(), "the broken files have their own hash");
            assertEquals(good, broken.activeVersion());
            assertEquals(good, runtime.version());
            assertTrue(broken.errors().stream().anyMatch(e -> e.startsWith("policy.drl:")),
                    () -> "errors name file and line: " + broken.errors());
            Decision stillGood = query(runtime);
            assertEquals(Outcome.ALLOW, stillGood.outcome());
            assertEquals(good, stillGood.policyVersion());

            Drl.write(dir, "policy.drl", DENY_QUERIES);
            ReloadResult fixed = runtime.reload();
            assertEquals(ReloadResult.Status.ACTIVATED, fixed.status());
            assertNotEquals(good, runtime.version());
            Decision now = query(runtime);
            assertEquals(Outcome.DENY, now.outcome());
            assertEquals(List.of("queries are off today"), now.reasons());
            assertEquals(runtime.version(), now.policyVersion());
        }
    }

    @Test
    void aFirstLoadThatFailsDeniesEverythingNamingTheError() {
        Drl.write(dir, "policy.drl", BROKEN);
        try (PolicyRuntime runtime = runtime()) {
            ReloadResult result = runtime.reload();
            assertEquals(ReloadResult.Status.REJECTED, result.status());
            assertEquals(PolicyRuntime.NO_VERSION, runtime.version());

            Decision decision = query(runtime);
            assertEquals(Outcome.DENY, decision.outcome());
            assertEquals(PolicyRuntime.NO_VERSION, decision.policyVersion());
            assertTrue(decision.reasons().get(0).startsWith("no valid rule set: policy.drl:"),
                    decision.reasons()::toString);
            assertTrue(decision.rules().isEmpty());
            assertNull(decision.route());

            Drl.write(dir, "policy.drl", ALLOW_QUERIES);
            assertEquals(ReloadResult.Status.ACTIVATED, runtime.reload().status());
            assertEquals(Outcome.ALLOW, query(runtime).outcome());
        }
    }

    @Test
    void duplicateRuleNamesAcrossFilesAreRejected() {
        Drl.write(dir, "a.drl", ALLOW_QUERIES);
        Drl.write(dir, "b.drl", ALLOW_QUERIES);
        try (PolicyRuntime runtime = runtime()) {
            ReloadResult result = runtime.reload();
            assertEquals(ReloadResult.Status.REJECTED, result.status(), "a second rule of the same name");
            assertEquals(PolicyRuntime.NO_VERSION, result.activeVersion());
        }
    }

    @Test
    void unchangedFilesAreNotRebuilt() {
        Drl.write(dir, "policy.drl", ALLOW_QUERIES);
        try (PolicyRuntime runtime = runtime()) {
            runtime.reload();
            ReloadResult again = runtime.reload();
            assertEquals(ReloadResult.Status.UNCHANGED, again.status());
            assertEquals(1, again.ruleCount());
        }
    }

    @Test
    void theWatcherSwapsInAFixAndIgnoresABreak() throws Exception {
        Drl.write(dir, "policy.drl", ALLOW_QUERIES);
        try (PolicyRuntime runtime = runtime()) {
            runtime.reload();
            String first = runtime.version();
            runtime.startWatching(Duration.ofMillis(100));

            Drl.write(dir, "policy.drl", BROKEN);
            Thread.sleep(1500);
            assertEquals(first, runtime.version(), "a broken edit is not activated");
            assertEquals(Outcome.ALLOW, query(runtime).outcome());

            Drl.write(dir, "policy.drl", DENY_QUERIES);
            awaitVersionChange(runtime, first);
            assertEquals(Outcome.DENY, query(runtime).outcome());

            String second = runtime.version();
            Files.delete(dir.resolve("policy.drl"));
            awaitVersionChange(runtime, second);
            Decision none = query(runtime);
            assertEquals(Outcome.DENY, none.outcome());
            assertEquals(List.of(PolicyEvaluator.NO_RULE_MATCHED), none.reasons(),
                    "an empty directory matches nothing");
        }
    }

    private static void awaitVersionChange(PolicyRuntime runtime, String from) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (runtime.version().equals(from)) {
            assertTrue(System.nanoTime() < deadline, "the watcher did not activate the change");
            Thread.sleep(20);
        }
    }

    private PolicyRuntime runtime() {
        return new PolicyRuntime(dir, Duration.ofHours(1), Requests.loader());
    }

    private static Decision query(PolicyRuntime runtime) {
        return runtime.decide(Requests.request("db.query", "staging", "{}"), Requests.AGENT);
    }
}
