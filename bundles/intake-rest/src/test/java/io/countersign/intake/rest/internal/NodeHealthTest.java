package io.countersign.intake.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.PolicyContext;
import io.countersign.api.PolicyEngine;
import io.countersign.api.health.Readiness;
import io.countersign.api.health.ReadinessCheck;
import io.countersign.api.testing.LogCapture;
import io.countersign.http.HealthSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class NodeHealthTest {

    private static final Journal JOURNAL = new Journal() {
        @Override
        public CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void replay(long fromSeq, Consumer<JournalEntry> consumer) {
        }

        @Override
        public List<JournalEntry> read(long fromSeq, int limit) {
            return List.of();
        }

        @Override
        public long size() {
            return 12;
        }

        @Override
        public Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
            throw new UnsupportedOperationException();
        }
    };

    private static final ReadinessCheck JOURNAL_UP = () -> Readiness.ready("journal",
            JsonNodeFactory.instance.objectNode().put("state", "writing"));
    private static final ReadinessCheck JOURNAL_RETRYING = () -> Readiness.notReady("journal", "journal-unavailable",
            "the disk is full", Duration.ofMillis(1500), null);

    @Test
    void readyWhenEveryCheckAndThePolicyAre_withTheirStatesInTheBody() {
        HealthSource.Status status = NodeHealth.status(List.of(JOURNAL_UP), JOURNAL, policy("sha256:abc"));
        assertTrue(status.ready());
        assertEquals(12, status.body().path("journalSize").asLong());
        assertEquals("sha256:abc", status.body().path("policyVersion").asText());
        assertEquals("writing", status.body().path("checks").path("journal").path("state").asText());
        assertTrue(status.body().path("checks").path("policy").path("ready").asBoolean());
        assertTrue(NodeHealth.writesRefused(List.of(JOURNAL_UP)).isEmpty());
    }

    @Test
    void aJournalThatCannotWrite_makesTheNodeNotReady_andRefusesWrites_beforeAFailedClosedPolicy() {
        HealthSource.Status status = NodeHealth.status(List.of(JOURNAL_RETRYING), JOURNAL, policy("none"));
        assertFalse(status.ready());
        assertEquals("journal-unavailable", status.reason());
        assertEquals(Duration.ofMillis(1500), status.retryAfter());
        assertEquals(2, status.body().path("checks").path("journal").path("retryAfterSeconds").asLong());
        assertEquals("policy-failed-closed", status.body().path("checks").path("policy").path("reason").asText());
        Readiness refused = NodeHealth.writesRefused(List.of(JOURNAL_RETRYING)).orElseThrow();
        assertEquals(2, refused.retryAfterSeconds());
    }

    @Test
    void internalDetails_areLoggedOnce_andNeverServed() {
        String leak = "java.io.IOException: No space left on device";
        ReadinessCheck full = () -> Readiness.notReady("journal", "journal-unavailable",
                "the journal cannot write (" + leak + ")", Duration.ofSeconds(1), null);
        try (LogCapture log = new LogCapture()) {
            HealthSource.Status status = NodeHealth.status(List.of(full), JOURNAL, policy("v1"));
            NodeHealth.status(List.of(full), JOURNAL, policy("v1"));
            assertEquals("journal-unavailable", status.reason());
            assertFalse(status.detail().contains("No space"), status.detail());
            assertFalse(status.body().toString().contains("No space"), status.body().toString());
            assertTrue(log.warned(leak), log.text());
            assertEquals(log.text().indexOf(leak), log.text().lastIndexOf(leak), "logged once: " + log.text());
        }
        Readiness refused = NodeHealth.writesRefused(List.of(full)).orElseThrow();
        assertFalse(NodeHealth.publicDetail(refused.reason()).contains("No space"));
    }

    @Test
    void aPolicyThatFailedClosed_makesTheNodeNotReady_butDoesNotRefuseWrites() {
        HealthSource.Status status = NodeHealth.status(List.of(JOURNAL_UP), JOURNAL, policy("none"));
        assertFalse(status.ready());
        assertEquals("policy-failed-closed", status.reason());
        assertTrue(NodeHealth.writesRefused(List.of(JOURNAL_UP)).isEmpty());
    }

    @Test
    void aCheckThatThrows_isNotReady_ratherThanBreakingTheEndpoint() {
        ReadinessCheck broken = () -> {
            throw new IllegalStateException("boom");
        };
        HealthSource.Status status = NodeHealth.status(List.of(JOURNAL_UP, broken), JOURNAL, policy("v1"));
        assertFalse(status.ready());
        assertEquals("health-unknown", status.reason());
    }

    @Test
    void aWriteAsksOnlyTheCheapQuestion_ofChecksThatAreReady() {
        ReadinessCheck readyAndCostly = new ReadinessCheck() {
            @Override
            public Readiness readiness() {
                throw new AssertionError("the full answer was built on the write path");
            }

            @Override
            public boolean isReady() {
                return true;
            }
        };
        assertTrue(NodeHealth.writesRefused(List.of(readyAndCostly, JOURNAL_UP)).isEmpty());
        assertEquals("journal-unavailable",
                NodeHealth.writesRefused(List.of(readyAndCostly, JOURNAL_RETRYING)).orElseThrow().reason());
    }

    private static PolicyEngine policy(String version) {
        return new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent, PolicyContext context) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String version() {
                return version;
            }
        };
    }
}
