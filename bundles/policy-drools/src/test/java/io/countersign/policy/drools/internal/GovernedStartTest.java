package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Decision;
import io.countersign.api.Outcome;
import io.countersign.api.health.Readiness;
import io.countersign.journal.internal.FileJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The governed start from {@code state.bin} and the journal's tail: the same active rule set and policy changes as a
 * start that reads the whole journal, without reading the history; the compile off the activating thread, with
 * decisions waiting for it and failing closed as before.
 */
@Timeout(120)
class GovernedStartTest {

    @TempDir
    Path dir;
    private Path rules;
    private FileJournal file;
    private CountingJournal journal;
    private PolicyJournal writer;
    private final List<DroolsPolicyEngine> engines = new ArrayList<>();
    private final List<PolicyGovernance> governances = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("rules.drl"), PolicyJournal.ruleSet(1).get("rules.drl"));
        file = FileJournal.open(dir.resolve("journal"), 1 << 20);
        journal = new CountingJournal(file);
        writer = new PolicyJournal(journal);
    }

    @AfterEach
    void close() {
        governances.forEach(PolicyGovernance::close);
        engines.forEach(DroolsPolicyEngine::deactivate);
        file.close();
    }

    private DroolsPolicyEngine engine(Path stateDirectory, String startWait, Executor starter) throws IOException {
        DroolsPolicyEngine engine = new DroolsPolicyEngine(EngineConfig.governed(rules, stateDirectory, startWait),
                journal, journal, Clock.systemUTC(), starter);
        engines.add(engine);
        return engine;
    }

    private DroolsPolicyEngine engine(Path stateDirectory) throws IOException {
        return engine(stateDirectory, "PT60S", PolicyStartup.ownThread());
    }

    /** Today's start: no state, the whole journal read, compiled before the constructor returns. */
    private DroolsPolicyEngine fullReplay() throws IOException {
        DroolsPolicyEngine engine = new DroolsPolicyEngine(EngineConfig.governed(rules, null, "PT60S"), journal,
                Clock.systemUTC());
        engines.add(engine);
        return engine;
    }

    private PolicyGovernance governance(DroolsPolicyEngine engine) {
        PolicyGovernance governance = new PolicyGovernance(engine, EngineConfig.noRequests(), journal,
                "policy-admins", 2, Duration.ofDays(2), Clock.systemUTC());
        governances.add(governance);
        return governance;
    }

    private static Decision query(DroolsPolicyEngine engine) {
        return engine.decide(Requests.request("db.query", "staging", "{}"), Requests.AGENT);
    }

    private static void copyState(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.copy(from.resolve(PolicyStateFile.NAME), to.resolve(PolicyStateFile.NAME));
    }

    @Test
    void startedFromTheStateAtAnyCutTheEngineAndTheChangesAreThoseOfAFullReplay() throws Exception {
        List<Long> cuts = new ArrayList<>();
        writer.history(new Random(42), 25, () -> {
            cuts.add(journal.size());
            PolicyRestoreTest.stateNow(journal, dir.resolve("cut-" + journal.size()));
        });
        DroolsPolicyEngine full = fullReplay();
        PolicyGovernance fullChanges = governance(full);
        assertEquals(PolicyJournal.version(PolicyJournal.ruleSet(2)), full.version());
        assertEquals(List.of("rule set 2"), query(full).reasons());
        assertEquals(4, fullChanges.changes().size());

        for (int i = 0; i < cuts.size(); i += 3) {
            long cut = cuts.get(i);
            Path state = dir.resolve("start-" + cut);
            copyState(dir.resolve("cut-" + cut), state);
            journal.replaysFrom.clear();
            DroolsPolicyEngine engine = engine(state);
            PolicyGovernance changes = governance(engine);
            assertEquals(cut, journal.replaysFrom.get(0), "the engine reads the journal from the state's size on");
            assertEquals(query(full), query(engine), "cut " + cut);
            assertEquals(full.version(), engine.version());
            assertEquals(full.active(), engine.active());
            assertEquals(fullChanges.changes(), changes.changes(), "cut " + cut);
            assertEquals(fullChanges.active(), changes.active());
            assertEquals(journal.size(), new PolicyStateFile(state).read().size(), "rewritten for the journal now");
        }
    }

    @Test
    void withAUsableStateAStartReadsThePolicyEntriesNotTheHistory() throws Exception {
        int history = 60_000;
        writer.bootstrap(PolicyJournal.ruleSet(1));
        for (int i = 0; i < 3; i++) {
            writer.others(history / 3);
            writer.propose("grace", PolicyJournal.ruleSet(10 + i), PolicyJournal.version(PolicyJournal.ruleSet(1)));
        }
        Path state = dir.resolve("policy");
        long started = System.nanoTime();
        DroolsPolicyEngine first = engine(state);
        long fullNanos = System.nanoTime() - started;
        assertEquals(Outcome.ALLOW, query(first).outcome());
        first.deactivate();
        engines.remove(first);

        journal.replaysFrom.clear();
        journal.replayed.set(0);
        journal.read.set(0);
        started = System.nanoTime();
        DroolsPolicyEngine second = engine(state);
        long stateNanos = System.nanoTime() - started;
        assertEquals(List.of(journal.size()), journal.replaysFrom, "the tail only, empty after a clean stop");
        assertEquals(4, journal.entriesRead(), "the bootstrap and three proposals, read back by seq");
        assertEquals(query(first).reasons(), query(second).reasons());
        long readyNanos = System.nanoTime() - started;
        System.out.printf("policy start over %,d entries: whole journal %d ms; from state.bin %d ms (constructor),"
                + " %d ms until the first decision (the compile)%n", journal.size(), fullNanos / 1_000_000,
                stateNanos / 1_000_000, readyNanos / 1_000_000);
    }

    @Test
    void theRulePackCompilesAfterTheComponentIsUp() throws Exception {
        try (var files = Files.list(Requests.rulePack())) {
            for (Path drl : files.filter(f -> f.toString().endsWith(".drl")).toList()) {
                Files.copy(drl, rules.resolve(drl.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.delete(rules.resolve("rules.drl"));
        long started = System.nanoTime();
        DroolsPolicyEngine engine = engine(dir.resolve("policy"));
        long constructed = System.nanoTime() - started;
        String version = engine.startedVersion();
        long compiled = System.nanoTime() - started;
        assertEquals(RuleFiles.read(rules).version(), version);
        assertTrue(engine.isReady());
        System.out.printf("rule pack bootstrap: the engine was constructed after %d ms, the rule set decided after %d"
                + " ms%n", constructed / 1_000_000, compiled / 1_000_000);
    }

    @Test
    void anUnusableStateIsReplacedByOneForTheWholeJournal() throws Exception {
        writer.history(new Random(5), 10, () -> { });
        Path state = dir.resolve("policy");
        engine(state).deactivate();
        engines.clear();
        byte[] good = Files.readAllBytes(state.resolve(PolicyStateFile.NAME));

        byte[] flipped = good.clone();
        flipped[30] ^= 1;
        for (byte[] bad : new byte[][] {null, flipped, java.util.Arrays.copyOf(good, good.length - 8)}) {
            Files.deleteIfExists(state.resolve(PolicyStateFile.NAME));
            if (bad != null) {
                Files.write(state.resolve(PolicyStateFile.NAME), bad);
            }
            journal.replaysFrom.clear();
            DroolsPolicyEngine engine = engine(state);
            assertEquals(List.of(0L), journal.replaysFrom, "the whole journal");
            assertEquals(List.of("rule set 2"), query(engine).reasons());
            assertTrue(java.util.Arrays.equals(good, Files.readAllBytes(state.resolve(PolicyStateFile.NAME))),
                    "written again as it was");
        }
    }

    @Test
    void aDecisionDuringTheCompileWaitsForItThenDecides() throws Exception {
        writer.bootstrap(PolicyJournal.ruleSet(1));
        HeldStart start = new HeldStart();
        DroolsPolicyEngine engine = engine(dir.resolve("policy"), "PT60S", start);
        Readiness starting = engine.readiness();
        assertFalse(starting.ready());
        assertEquals("starting", starting.reason());
        assertEquals(DroolsPolicyEngine.STARTING, starting.detail());
        assertFalse(engine.isReady());

        CompletableFuture<Decision> decision = new CompletableFuture<>();
        Thread deciding = new Thread(() -> decision.complete(query(engine)), "deciding");
        deciding.start();
        while (deciding.getState() != Thread.State.TIMED_WAITING && !decision.isDone()) {
            Thread.sleep(1);
        }
        assertFalse(decision.isDone(), "the decision waits for the compile");
        start.release();
        assertEquals(List.of("rule set 1"), decision.get().reasons());
        assertEquals(Outcome.ALLOW, decision.get().outcome());
        assertTrue(engine.isReady());
        assertTrue(engine.readiness().ready());
    }

    @Test
    void aDecisionThatWaitedTooLongIsDenied() throws Exception {
        writer.bootstrap(PolicyJournal.ruleSet(1));
        HeldStart start = new HeldStart();
        DroolsPolicyEngine engine = engine(dir.resolve("policy"), "PT0.05S", start);
        Decision decision = query(engine);
        assertEquals(Outcome.DENY, decision.outcome());
        assertEquals(PolicyRuntime.NO_VERSION, decision.policyVersion());
        assertTrue(decision.reasons().get(0).startsWith(DroolsPolicyEngine.STARTING), decision.reasons()::toString);
        start.release();
        engine.startedVersion();
        assertEquals(Outcome.ALLOW, query(engine).outcome());
    }

    @Test
    void aJournaledRuleSetThatNoLongerCompilesFailsClosed() throws Exception {
        Map<String, String> broken = Map.of("rules.drl", Drl.file(Drl.rule("Broken", "action ==", "$a.allow(\"x\");")));
        writer.bootstrap(broken);
        DroolsPolicyEngine engine = engine(dir.resolve("policy"));
        Decision decision = query(engine);
        assertEquals(Outcome.DENY, decision.outcome());
        assertEquals(PolicyRuntime.NO_VERSION, decision.policyVersion());
        assertTrue(decision.reasons().get(0).startsWith("the approved rule set " + PolicyJournal.version(broken)
                + " no longer compiles"), decision.reasons()::toString);
        assertEquals("policy-failed-closed", engine.readiness().reason());
        assertFalse(engine.isReady());
    }

    @Test
    void aStartThatFailsFailsClosed() throws Exception {
        HeldStart start = new HeldStart();
        DroolsPolicyEngine engine = engine(dir.resolve("policy"), "PT60S", start);
        file.close(); // the bootstrap cannot be journaled
        start.release();
        Decision decision = query(engine);
        assertEquals(Outcome.DENY, decision.outcome());
        assertTrue(decision.reasons().get(0).startsWith("the rule set could not be started"),
                decision.reasons()::toString);
        assertEquals("policy-failed-closed", engine.readiness().reason());
        file = FileJournal.open(dir.resolve("journal"), 1 << 20);
    }
}
