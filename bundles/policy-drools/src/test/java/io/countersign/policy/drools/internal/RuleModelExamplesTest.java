package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Decision;
import io.countersign.api.Escalation;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule model's newer facts (groups of the humans acted for, history, day of week, break-glass) and decisions
 * (escalation, channels, break-glass) mean what rules/README.md says, and combine as it says.
 */
class RuleModelExamplesTest {
    @TempDir
    static Path dir;
    private static PolicyRuntime runtime;

    private static final Instant THURSDAY = Instant.parse("2025-01-02T03:04:05Z");
    private static final Instant SATURDAY = Instant.parse("2025-01-04T12:00:00Z");

    @BeforeAll
    static void load() {
        Drl.write(dir, "examples.drl", Drl.file(
                Drl.rule("Finance export", "action == \"data.export\", onBehalfOfGroups contains \"finance\"",
                        "$a.review(\"controllers\", 1, \"finance data\"); $a.deadline(\"PT2H\");"
                                + " $a.escalate(\"PT30M\", \"security\"); $a.escalate(\"PT3H\", \"ciso\");"
                                + " $a.escalate(\"PT1H\", \"controllers\"); $a.channels(\"email\");"),
                Drl.rule("Busy agent", "action == \"data.export\", sameActionToday >= 9 || sameActionLastHour >= 5",
                        "$a.review(\"security\", 1, \"busy\"); $a.escalate(\"PT10M\", \"security-leads\");"
                                + " $a.escalate(\"PT20M\", \"ciso\"); $a.channels(\"slack\", \"email\");"),
                Drl.rule("Weekend write", "action == \"db.write\", production, weekendUtc",
                        "$a.review(\"security\", 1, \"weekend\");"),
                Drl.rule("Production write steps up", "action == \"db.write\", production", "$a.stepUp();"),
                Drl.rule("Alice is a finance member", "action == \"db.query\", groupsOf(\"alice\") contains"
                        + " \"finance\"", "$a.allow(\"finance reads\");"),
                Drl.rule("Write may break glass", "action == \"db.write\"", "$a.allow(\"writes\");"
                        + " $a.allowBreakGlass(\"PT30M\");"),
                Drl.rule("Production write breaks glass briefly", "action == \"db.write\", production",
                        "$a.allowBreakGlass(\"PT10M\");"),
                Drl.rule("Break-glass on deletes is denied", "action == \"db.delete\", breakGlass",
                        "$a.allowBreakGlass(\"PT10M\"); $a.deny(\"no break-glass for deletes\");"),
                Drl.rule("Delete", "action == \"db.delete\"", "$a.allow(\"deletes\"); $a.allowBreakGlass(\"PT5M\");")));
        runtime = Drl.activate(dir, Duration.ofHours(1));
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    private static Decision decide(String action, String environment, Instant at, PolicyContext context) {
        Action body = new Action(action, "db://orders", JsonNodeFactory.instance.objectNode(), environment, "agent-7",
                List.of("alice"));
        return runtime.decide(new ActionRequest("req-1", body, "why", "sha256:00", at, null), Requests.AGENT, context);
    }

    private static PolicyContext groups(String... groups) {
        return new PolicyContext(Map.of("alice", Set.of(groups)), 0, 0, false);
    }

    @Test
    void theGroupsOfTheHumansActedForAreFacts() {
        assertEquals(List.of("Finance export"), decide("data.export", "staging", THURSDAY, groups("finance")).rules());
        assertEquals(List.of(), decide("data.export", "staging", THURSDAY, groups("sales")).rules());
        assertEquals(List.of("Alice is a finance member"),
                decide("db.query", "staging", THURSDAY, groups("finance", "sales")).rules());
        assertEquals(List.of(), decide("db.query", "staging", THURSDAY, PolicyContext.none()).rules());
    }

    @Test
    void theAgentsHistoryIsAFact() {
        assertEquals(List.of(), decide("data.export", "staging", THURSDAY, new PolicyContext(Map.of(), 8, 4, false))
                .rules());
        assertEquals(List.of("Busy agent"), decide("data.export", "staging", THURSDAY,
                new PolicyContext(Map.of(), 9, 0, false)).rules());
        assertEquals(List.of("Busy agent"), decide("data.export", "staging", THURSDAY,
                new PolicyContext(Map.of(), 0, 5, false)).rules());
    }

    @Test
    void theDayOfTheWeekIsAFact() {
        assertEquals(Outcome.REVIEW, decide("db.write", "production", SATURDAY, PolicyContext.none()).outcome());
        assertEquals(Outcome.ALLOW, decide("db.write", "production", THURSDAY, PolicyContext.none()).outcome());
    }

    @Test
    void escalationStepsCombineByGroupAtTheEarliestTimeAndChannelsAddUp() {
        Decision decision = decide("data.export", "staging", THURSDAY,
                new PolicyContext(Map.of("alice", Set.of("finance")), 9, 0, false));
        assertEquals(Outcome.REVIEW, decision.outcome());
        // security is a route group (left out), controllers too; ciso's PT3H is after the PT2H deadline but the
        // busy rule asked for it at PT20M; security-leads at PT10M
        assertEquals(List.of(new Escalation(Duration.ofMinutes(10), "security-leads"),
                new Escalation(Duration.ofMinutes(20), "ciso")), decision.route().escalations());
        assertEquals(List.of("email", "slack"), decision.route().channels());
        assertEquals(Duration.ofHours(2), decision.route().timeout());
    }

    @Test
    void aStepAtOrAfterTheTimeoutIsLeftOut() {
        Decision decision = decide("data.export", "staging", THURSDAY, groups("finance"));
        assertEquals(List.of(new Escalation(Duration.ofMinutes(30), "security")), decision.route().escalations());
        assertEquals(List.of("email"), decision.route().channels());
    }

    @Test
    void theShortestBreakGlassWinsAndADenialAllowsNone() {
        assertEquals(Duration.ofMinutes(10), decide("db.write", "production", THURSDAY, PolicyContext.none())
                .breakGlass().grantTtl());
        assertEquals(Duration.ofMinutes(30), decide("db.write", "staging", THURSDAY, PolicyContext.none())
                .breakGlass().grantTtl());
        assertEquals(Duration.ofMinutes(5), decide("db.delete", "staging", THURSDAY, PolicyContext.none())
                .breakGlass().grantTtl());
        Decision invoked = decide("db.delete", "staging", THURSDAY, PolicyContext.none().withBreakGlass(true));
        assertEquals(Outcome.DENY, invoked.outcome());
        assertNull(invoked.breakGlass());
        assertNull(decide("db.query", "staging", THURSDAY, groups("finance")).breakGlass());
    }

    @Test
    void stepUpMarksTheRouteOfAReviewWhicheverRuleAskedForIt() {
        Decision weekend = decide("db.write", "production", SATURDAY, PolicyContext.none());
        assertEquals(Outcome.REVIEW, weekend.outcome());
        assertTrue(weekend.route().stepUp(), "a rule that only steps up marks the route another rule asked for");
        assertTrue(weekend.rules().contains("Production write steps up"));
        Decision thursday = decide("db.write", "production", THURSDAY, PolicyContext.none());
        assertEquals(Outcome.ALLOW, thursday.outcome(), "step-up alone is not a ruling: nothing to review");
        assertNull(thursday.route());
        assertFalse(decide("data.export", "staging", THURSDAY, groups("finance")).route().stepUp());
    }
}
