package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the rulings of several rules combine into one decision. */
class CombiningTest {
    @TempDir
    static Path dir;
    private static PolicyRuntime runtime;

    @BeforeAll
    static void load() {
        Drl.write(dir, "combine.drl", Drl.file(
                salience(30, Drl.rule("Review A", "action == \"review\"",
                        "$a.review(\"security\", 1, \"r1\"); $a.deadline(\"PT4H\");")),
                salience(20, Drl.rule("Review B", "action == \"review\"",
                        "$a.review(\"security\", 2, \"r2\"); $a.review(\"data-owners\", 1, \"r2\");"
                                + " $a.deadline(\"PT30M\");")),
                salience(10, Drl.rule("Allow review", "action == \"review\"", "$a.allow(\"a\");")),
                salience(30, Drl.rule("Deny 1", "action == \"deny\"", "$a.deny(\"d1\");")),
                salience(20, Drl.rule("Review deny", "action == \"deny\"", "$a.review(\"security\", 1, \"r\");")),
                salience(15, Drl.rule("Allow deny", "action == \"deny\"", "$a.allow(\"a\");")),
                salience(10, Drl.rule("Deny 2", "action == \"deny\"", "$a.deny(\"d2\");")),
                Drl.rule("Review default", "action == \"plain\"", "$a.review(\"security\", 1, \"r\");"),
                Drl.rule("Allow 1", "action == \"allow\"", "$a.allow(\"same\");"),
                Drl.rule("Allow 2", "action == \"allow\"", "$a.allow(\"same\");")));
        runtime = Drl.activate(dir, Duration.ofMinutes(45));
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    void reviewsUniteGroupsTakeTheLargestQuorumAndTheShortestDeadline() {
        Decision decision = decide("review");
        assertEquals(Outcome.REVIEW, decision.outcome());
        assertEquals(List.of(new GroupQuorum("security", 2), new GroupQuorum("data-owners", 1)),
                decision.route().quorums());
        assertEquals(Duration.ofMinutes(30), decision.route().timeout());
        assertEquals(1, decision.route().denialsToReject());
        assertEquals(List.of("r1", "r2"), decision.reasons());
        assertEquals(List.of("Review A", "Review B", "Allow review"), decision.rules(), "firing order");
    }

    @Test
    void anyDenialWinsAndOnlyDenialsGiveTheReasons() {
        Decision decision = decide("deny");
        assertEquals(Outcome.DENY, decision.outcome());
        assertEquals(List.of("d1", "d2"), decision.reasons());
        assertEquals(List.of("Deny 1", "Review deny", "Allow deny", "Deny 2"), decision.rules());
        assertNull(decision.route());
    }

    @Test
    void withoutADeadlineTheConfiguredDefaultApplies() {
        assertEquals(Duration.ofMinutes(45), decide("plain").route().timeout());
    }

    @Test
    void allowsCombineTheirReasonsOnce() {
        Decision decision = decide("allow");
        assertEquals(Outcome.ALLOW, decision.outcome());
        assertEquals(List.of("same"), decision.reasons());
        assertEquals(2, decision.rules().size());
    }

    private static Decision decide(String action) {
        return runtime.decide(Requests.request(action, "staging", "{}"), Requests.AGENT);
    }

    private static String salience(int salience, String rule) {
        return rule.replaceFirst("\nwhen", "\nsalience " + salience + "\nwhen");
    }
}
