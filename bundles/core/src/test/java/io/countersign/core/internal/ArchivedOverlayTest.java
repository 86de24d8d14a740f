package io.countersign.core.internal;

import static io.countersign.core.internal.EngineFixture.AGENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionSubmission;
import io.countersign.api.GrantResult;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Submission;
import io.countersign.journal.internal.FileJournal;
import io.countersign.signing.internal.KeyRing;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** While the follower lags, closed requests and their later grant entries are answered from the overlay. */
class ArchivedOverlayTest {

    @TempDir
    Path dir;

    /** The journal, with its follower held back until released. */
    private record HeldFollower(FileJournal journal, CountDownLatch released) implements Journal {
        @Override
        public CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
            return journal.append(type, data);
        }

        @Override
        public void replay(long fromSeq, Consumer<JournalEntry> consumer) {
            journal.replay(fromSeq, consumer);
        }

        @Override
        public List<JournalEntry> read(long fromSeq, int limit) {
            return journal.read(fromSeq, limit);
        }

        @Override
        public long size() {
            return journal.size();
        }

        @Override
        public Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
            return journal.follow(fromSeq, entry -> {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                consumer.accept(entry);
            });
        }
    }

    @Test
    void aClosedRequestIsAnsweredTheSameBeforeAndAfterTheFollowerIndexesIt() throws Exception {
        ActionSubmission query = new ActionSubmission("db.query", "warehouse.customers",
                JsonNodeFactory.instance.objectNode().put("rows", 1), "production", List.of("alice"), "report");
        CountDownLatch released = new CountDownLatch(1);
        try (FileJournal file = FileJournal.open(dir.resolve("journal"), 1 << 20)) {
            HeldFollower journal = new HeldFollower(file, released);
            ApprovalEngine engine = new ApprovalEngine(journal, file, RestartHarness.policy(new ArrayList<>()),
                    KeyRing.open(dir.resolve("keys"), "test/log"),
                    null, Duration.ofMinutes(15), ApprovalEngine.DEFAULT_CHANNEL_EVENTS_PER_SECOND,
                    ApprovalEngine.Limits.DEFAULT, Clock.systemUTC(),
                    ProjectionStore.Options.in(dir.resolve("core")));
            try {
                RequestView allowed = engine.submit(AGENT, query, "k1").toCompletableFuture().get().view();
                assertEquals(RequestStatus.ALLOWED, allowed.status());
                assertInstanceOf(GrantResult.Done.class,
                        engine.consume(AGENT, allowed.grant().token(), query).toCompletableFuture().get());

                RequestView held = engine.find(allowed.id()).orElseThrow();
                assertNotNull(held.grantConsumedAt(), "the grant entry after closing is in the overlay");
                List<Long> seqs = engine.journalSeqs(allowed.id());
                assertEquals(List.of(0L, 1L, 2L, 3L), seqs);
                ApprovalEngine.Footprint lagging = engine.footprint();
                assertEquals(1, lagging.recentlyArchived());
                assertEquals(1, lagging.idempotencyClaims());
                Submission again = engine.submit(AGENT, query, "k1").toCompletableFuture().get();
                assertEquals(allowed.id(), again.view().id());

                released.countDown();
                assertTrue(engine.awaitProjected(Duration.ofMinutes(1)));
                ApprovalEngine.Footprint indexed = engine.footprint();
                assertEquals(0, indexed.recentlyArchived());
                assertEquals(0, indexed.idempotencyClaims());
                assertEquals(held, engine.find(allowed.id()).orElseThrow());
                assertEquals(seqs, engine.journalSeqs(allowed.id()));
                assertEquals(allowed.id(), engine.submit(AGENT, query, "k1").toCompletableFuture().get().view().id());
            } finally {
                released.countDown();
                engine.close();
            }
        }
    }
}
