package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyChange;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestRejectedException;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.core.internal.ApprovalEngine;
import io.countersign.journal.internal.FileJournal;
import io.countersign.signing.internal.KeyRing;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four-eyes policy changes against the real approval core and journal: a change cannot go live by its author alone,
 * by one approver, or with failing tests; an approved one goes live and is journaled with its hash and approvers.
 */
class PolicyGovernanceTest {

    private static final Reviewer GRACE = new Reviewer("grace", Set.of("policy-admins"));
    private static final Reviewer HEIDI = new Reviewer("heidi", Set.of("policy-admins"));
    private static final Reviewer IVAN = new Reviewer("ivan", Set.of("policy-admins"));
    private static final Reviewer BOB = new Reviewer("bob", Set.of("data-owners"));
    private static final String ALLOW_DEV_FIREWALL =
            "$a.allow(\"security-group and firewall changes in development are allowed\");";
    private static final String REVIEW_DEV_FIREWALL =
            "$a.review(\"security\", 1, \"firewall changes in development need review too\"); $a.deadline(\"PT4H\");";

    @TempDir
    Path dir;
    private Path rules;
    private FileJournal journal;
    private DroolsPolicyEngine engine;
    private ApprovalEngine approvals;
    private PolicyGovernance governance;

    @BeforeEach
    void start() throws IOException {
        rules = dir.resolve("rules");
        Files.createDirectories(rules.resolve("tests"));
        try (Stream<Path> files = Files.walk(Requests.rulePack())) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".drl")
                    || f.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, rules.resolve(Requests.rulePack().relativize(file).toString()));
            }
        }
        open(DroolsPolicyEngine.GOVERNED);
    }

    private void open(String mode) throws IOException {
        journal = FileJournal.open(dir.resolve("journal"), 1 << 20);
        engine = new DroolsPolicyEngine(config(mode), journal, journal, Clock.systemUTC(), PolicyStartup.ownThread());
        engine.startedVersion(); // as a node does before it is ready: the compile runs on a thread of its own
        approvals = new ApprovalEngine(journal, engine, KeyRing.open(dir.resolve("keys"), "policy.test/log"), null,
                ApprovalEngine.defaultConfig());
        governance = new PolicyGovernance(engine, approvals, journal, "policy-admins", 2, Duration.ofDays(2),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        governance.close();
        approvals.close();
        engine.deactivate();
        journal.close();
    }

    private void restart(String mode) throws IOException {
        stop();
        open(mode);
    }

    private DroolsPolicyEngine.Config config(String mode) {
        Map<String, Object> values = Map.of("rulesDir", rules.toString(), "mode", mode, "watch", true,
                "defaultReviewTimeout", "PT1H", "stateDirectory", dir.resolve("policy").toString());
        return (DroolsPolicyEngine.Config) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DroolsPolicyEngine.Config.class}, (proxy, method, args) -> values.get(method.getName()));
    }

    /** The directory's rule set, with development firewall changes moved to review, and its tests (updated or not). */
    private Map<String, String> candidate(boolean testsUpdated) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> listing = Files.walk(rules)) {
            for (Path file : listing.filter(Files::isRegularFile).toList()) {
                files.put(rules.relativize(file).toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        String network = files.get("network.drl");
        assertTrue(network.contains(ALLOW_DEV_FIREWALL));
        files.put("network.drl", network.replace(ALLOW_DEV_FIREWALL, REVIEW_DEV_FIREWALL));
        if (testsUpdated) {
            String tests = files.get("tests/network.yaml");
            String allowed = "expect: {outcome: ALLOW, rules: [Firewall change in development is allowed]}";
            assertTrue(tests.contains(allowed));
            files.put("tests/network.yaml", tests.replace(allowed,
                    "expect: {outcome: REVIEW, quorums: {security: 1}, timeout: PT4H}"));
        }
        return files;
    }

    private PolicyChange propose(Reviewer author, Map<String, String> files) throws Exception {
        return governance.propose(author, files, "development firewalls need review").toCompletableFuture().get();
    }

    private ReviewResult review(Reviewer reviewer, PolicyChange change, Verdict verdict) throws Exception {
        return approvals.review(reviewer, change.request(), verdict, "looked at it").toCompletableFuture().get()
                .orElseThrow();
    }

    private PolicyChange awaitSettled(PolicyChange change) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        PolicyChange now = governance.change(change.id()).orElseThrow();
        while (now.status() == PolicyChange.Status.PENDING && System.nanoTime() < until) {
            Thread.sleep(20);
            now = governance.change(change.id()).orElseThrow();
        }
        return now;
    }

    private List<JournalEntry> entries(String type) {
        return journal.read(0, (int) journal.size()).stream().filter(e -> e.type().equals(type)).toList();
    }

    private Outcome firewallInDevelopment() {
        ActionRequest request = Requests.request("network.security_group.change", "development", "{}");
        return engine.decide(request, new Agent("agent-7", List.of("alice"))).outcome();
    }

    @Test
    void anEmptyJournalBootstrapsTheDirectorysRuleSetAndJournalsIt() {
        List<JournalEntry> activated = entries(PolicyEntries.ACTIVATED);
        assertEquals(1, activated.size());
        assertTrue(activated.get(0).data().path("bootstrap").asBoolean());
        assertEquals(engine.version(), activated.get(0).data().path("version").asText());
        assertTrue(activated.get(0).data().path("files").has("network.drl"));
        assertEquals(Outcome.ALLOW, firewallInDevelopment());
    }

    @Test
    void theAuthorAloneOrOneApproverCannotActivateAChange_twoOthersDo() throws Exception {
        String before = engine.version();
        PolicyChange change = propose(GRACE, candidate(true));
        assertEquals(PolicyChange.Status.PENDING, change.status());
        assertEquals(before, change.baseVersion());
        assertEquals(1, entries(PolicyEntries.PROPOSED).size());

        ReviewResult self = review(GRACE, change, Verdict.APPROVE);
        assertEquals(RefusalReason.SELF_APPROVAL, assertInstanceOf(ReviewResult.Refused.class, self).reason());
        assertEquals(RefusalReason.NOT_ELIGIBLE, assertInstanceOf(ReviewResult.Refused.class,
                review(BOB, change, Verdict.APPROVE)).reason());
        review(HEIDI, change, Verdict.APPROVE);
        Thread.sleep(200);
        assertEquals(PolicyChange.Status.PENDING, governance.change(change.id()).orElseThrow().status());
        assertEquals(before, engine.version(), "one approval activates nothing");
        assertEquals(Outcome.ALLOW, firewallInDevelopment());

        review(IVAN, change, Verdict.APPROVE);
        PolicyChange settled = awaitSettled(change);
        assertEquals(PolicyChange.Status.ACTIVATED, settled.status());
        assertEquals(List.of("heidi", "ivan"), settled.approvers());
        assertEquals(change.version(), engine.version());
        assertEquals(Outcome.REVIEW, firewallInDevelopment());

        JournalEntry activated = entries(PolicyEntries.ACTIVATED).get(1);
        assertEquals(change.version(), activated.data().path("version").asText());
        assertEquals(before, activated.data().path("previousVersion").asText());
        assertEquals(change.id(), activated.data().path("change").asText());
        assertEquals("[\"heidi\",\"ivan\"]", activated.data().path("approvers").toString());
        assertEquals(change.id(), governance.active().change());
        assertEquals(List.of("heidi", "ivan"), governance.active().approvers());
    }

    @Test
    void aRuleSetThatFailsItsTestsCannotBeSubmitted() throws Exception {
        long size = journal.size();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> propose(GRACE, candidate(false)));
        RequestRejectedException rejected = assertInstanceOf(RequestRejectedException.class, failure.getCause());
        assertEquals(RequestRejectedException.Reason.INVALID, rejected.reason());
        assertTrue(rejected.getMessage().contains("FAIL tests/network.yaml › a firewall change in development is"
                + " allowed"), rejected.getMessage());
        assertEquals(size, journal.size(), "nothing is journaled");
        assertTrue(governance.changes().isEmpty());
        assertTrue(approvals.pending().isEmpty(), "nothing goes to review");
    }

    @Test
    void onlyAPolicyAdminMayProposeAndOnlyRuleAndTestFiles() throws Exception {
        ExecutionException outsider = assertThrows(ExecutionException.class, () -> propose(BOB, candidate(true)));
        assertEquals(RequestRejectedException.Reason.NOT_ELIGIBLE,
                ((RequestRejectedException) outsider.getCause()).reason());
        Map<String, String> sneaky = candidate(true);
        sneaky.put("../etc/passwd.drl", "x");
        ExecutionException path = assertThrows(ExecutionException.class, () -> propose(GRACE, sneaky));
        assertEquals(RequestRejectedException.Reason.INVALID, ((RequestRejectedException) path.getCause()).reason());
        Map<String, String> untested = candidate(true);
        untested.keySet().removeIf(name -> name.startsWith("tests/"));
        ExecutionException noTests = assertThrows(ExecutionException.class, () -> propose(GRACE, untested));
        assertTrue(noTests.getCause().getMessage().contains("comes with its tests"), noTests.getMessage());
    }

    @Test
    void aDeniedChangeActivatesNothing() throws Exception {
        String before = engine.version();
        PolicyChange change = propose(GRACE, candidate(true));
        review(HEIDI, change, Verdict.DENY);
        assertEquals(PolicyChange.Status.DENIED, awaitSettled(change).status());
        assertEquals(before, engine.version());
        assertEquals(1, entries(PolicyEntries.CLOSED).size());
    }

    @Test
    void anApprovalOfAChangeThatAnotherOvertookActivatesNothing() throws Exception {
        PolicyChange first = propose(GRACE, candidate(true));
        Map<String, String> other = candidate(true);
        other.put("network.drl", other.get("network.drl") + "\n// a comment makes another rule set\n");
        PolicyChange second = propose(HEIDI, other);
        review(HEIDI, first, Verdict.APPROVE);
        review(IVAN, first, Verdict.APPROVE);
        assertEquals(PolicyChange.Status.ACTIVATED, awaitSettled(first).status());
        review(GRACE, second, Verdict.APPROVE);
        review(IVAN, second, Verdict.APPROVE);
        PolicyChange stale = awaitSettled(second);
        assertEquals(PolicyChange.Status.STALE, stale.status());
        assertEquals(first.version(), engine.version());
    }

    @Test
    void aRestartRestoresTheApprovedRuleSetFromTheJournalNotTheDirectory() throws Exception {
        String bootstrap = engine.version();
        PolicyChange change = propose(GRACE, candidate(true));
        review(HEIDI, change, Verdict.APPROVE);
        review(IVAN, change, Verdict.APPROVE);
        assertEquals(PolicyChange.Status.ACTIVATED, awaitSettled(change).status());

        restart(DroolsPolicyEngine.GOVERNED);
        assertEquals(journal.size(), new PolicyStateFile(dir.resolve("policy")).read().size(),
                "state.bin is current after the restart");
        assertEquals(change.version(), engine.version());
        assertNotEquals(bootstrap, engine.version());
        assertEquals(RuleFiles.read(rules).version(), bootstrap, "the directory still holds the old files");
        assertEquals(PolicyChange.Status.ACTIVATED, governance.change(change.id()).orElseThrow().status());
        assertEquals(List.of("heidi", "ivan"), governance.active().approvers());
    }

    @Test
    void governedModeIgnoresFileChanges_developmentModeHotReloads() throws Exception {
        String before = engine.version();
        Path network = rules.resolve("network.drl");
        Files.writeString(network, Files.readString(network).replace(ALLOW_DEV_FIREWALL, REVIEW_DEV_FIREWALL));
        Thread.sleep(600);
        assertEquals(before, engine.version());
        assertThrows(IllegalStateException.class, engine::reload);

        restart(DroolsPolicyEngine.DEVELOPMENT);
        assertEquals(RuleFiles.read(rules).version(), engine.version(), "development mode uses the directory");
        Files.writeString(network, Files.readString(network) + "\n// edited\n");
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!engine.version().equals(RuleFiles.read(rules).version()) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertEquals(RuleFiles.read(rules).version(), engine.version());
        assertEquals("development", governance.active().mode());
    }
}
