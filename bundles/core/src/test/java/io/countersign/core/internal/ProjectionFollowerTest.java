package io.countersign.core.internal;

import static io.countersign.core.internal.EngineFixture.AGENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.ActionSubmission;
import io.countersign.api.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectionFollowerTest {

    @TempDir
    Path dir;

    @Test
    void aSnapshotEverySoManyEntriesAndTheTwoNewestAreKept() throws Exception {
        Path root = dir.resolve("node");
        ProjectionStore.Options every10 = new ProjectionStore.Options(root.resolve("core"), false, 10,
                Long.MAX_VALUE / 2_000_000, RequestIndex.Options.DEFAULT);
        try (RestartHarness node = new RestartHarness(root, dir.resolve("keys"),
                new MutableClock(RestartHarness.START), every10)) {
            for (int i = 0; i < 12; i++) {
                node.engine.submit(AGENT, new ActionSubmission("db.query", "warehouse.customers",
                        JsonNodeFactory.instance.objectNode().put("rows", i), "production", List.of("alice"),
                        "report"), null).toCompletableFuture().get();
            }
            // 12 allowed requests are 36 entries: snapshots at 10, 20 and 30, of which 20 and 30 are kept
            assertTrue(node.engine.awaitProjected(Duration.ofMinutes(1)));
            assertEquals(36, node.journal.size());
            List<Long> kept = CoreSnapshot.newestFirst(root.resolve("core")).stream()
                    .map(file -> file.getFileName().toString()).map(name -> Long.parseLong(name.substring(9, 29)))
                    .toList();
            assertEquals(List.of(30L, 20L), kept);
            CoreSnapshot thirty = CoreSnapshot.read(CoreSnapshot.fileFor(root.resolve("core"), 30));
            assertEquals(30, thirty.size());
            assertTrue(thirty.open().isEmpty());
        }
        // and the close took one at the end
        assertEquals(36, CoreSnapshot.read(CoreSnapshot.newestFirst(root.resolve("core")).get(0)).size());
    }
}
