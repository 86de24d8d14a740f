package io.countersign.core.internal;

import static io.countersign.core.internal.EngineFixture.AGENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionSubmission;
import io.countersign.api.RequestStatus;
import io.countersign.api.Submission;
import io.countersign.api.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the engine holds on the heap is its open requests, however many closed before. */
class HeapBoundTest {

    private static final int CLOSED = 400;
    private static final int OPEN = 5;

    @TempDir
    Path dir;

    private static ActionSubmission submission(String action, int rows) {
        return new ActionSubmission(action, "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", rows), "production", List.of("alice"), "report");
    }

    private static Submission submit(RestartHarness node, ActionSubmission submission, String key) throws Exception {
        return node.engine.submit(AGENT, submission, key).toCompletableFuture().get();
    }

    private static void assertHoldsOnlyTheOpen(ApprovalEngine engine) {
        assertTrue(engine.awaitProjected(Duration.ofMinutes(1)));
        assertEquals(new ApprovalEngine.Footprint(OPEN, OPEN, OPEN, OPEN, 0, OPEN, 0), engine.footprint());
    }

    @Test
    void closedRequestsAndTheirKeysLeaveTheHeapAndAreStillAnswered() throws Exception {
        Path keys = dir.resolve("keys");
        MutableClock clock = new MutableClock(RestartHarness.START);
        String firstClosed;
        try (RestartHarness node = new RestartHarness(dir.resolve("node"), keys, clock)) {
            firstClosed = submit(node, submission("db.query", 0), "closed-0").view().id();
            for (int i = 1; i < CLOSED; i++) {
                assertEquals(RequestStatus.ALLOWED, submit(node, submission("db.query", i), "closed-" + i).view()
                        .status());
            }
            for (int i = 0; i < OPEN; i++) {
                assertEquals(RequestStatus.PENDING, submit(node, submission("data.export", i), "open-" + i).view()
                        .status());
            }
            assertHoldsOnlyTheOpen(node.engine);

            // an old key is answered from the index, and its claim is not kept
            Submission again = submit(node, submission("db.query", 0), "closed-0");
            assertTrue(again.replayed());
            assertEquals(firstClosed, again.view().id());
            assertHoldsOnlyTheOpen(node.engine);
        }
        try (RestartHarness node = new RestartHarness(dir.resolve("node"), keys, clock)) {
            assertEquals(node.journal.size(), node.engine.restoredFrom(), "the close wrote a snapshot at the end");
            assertHoldsOnlyTheOpen(node.engine);
            assertEquals(firstClosed, submit(node, submission("db.query", 0), "closed-0").view().id());
            assertEquals(RequestStatus.ALLOWED, node.engine.find(firstClosed).orElseThrow().status());
            assertHoldsOnlyTheOpen(node.engine);
        }
    }
}
