package io.countersign.audit.fabric.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.JournalEntry;
import io.countersign.api.SigningKeys;
import io.countersign.journal.internal.FileJournal;
import io.countersign.ledger.internal.Checkpointer;
import io.countersign.signing.internal.KeyRing;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a running network (ledger-network/network.sh up), by hand:
 * {@code mvn test -Dtest=LiveFabricCheck -Dcountersign.fabric.cfg=$FABRIC_NET_DIR/io.countersign.audit.fabric.cfg}.
 * Anchors more than one batch of real journal entries, signed by the real checkpointer, then restarts the anchorer.
 */
@EnabledIfSystemProperty(named = "countersign.fabric.cfg", matches = ".+")
class LiveFabricCheck {

    private static final int ENTRIES = Integer.getInteger("countersign.fabric.entries", 120_000);

    @TempDir
    Path dir;

    @Test
    void anchorsEverythingOnceAndRestartsWithoutDuplicates() throws Exception {
        Properties cfg = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(System.getProperty("countersign.fabric.cfg")))) {
            cfg.load(reader);
        }
        AnchorOptions options = AnchorOptions.fromProperties(cfg);
        try (FileJournal journal = FileJournal.open(dir.resolve("journal"), 64 << 20)) {
            SigningKeys keys = KeyRing.open(dir.resolve("keys"), "live.check/" + UUID.randomUUID());
            try (Checkpointer checkpoints = Checkpointer.open(journal, keys, dir.resolve("ledger"),
                    Duration.ofSeconds(1), 50_000)) {
                List<AnchorCommit> commits = new CopyOnWriteArrayList<>();
                long started = System.nanoTime();
                try (Anchorer anchorer = Anchorer.open(journal, checkpoints, keys, options, commits::add)) {
                    append(journal, ENTRIES);
                    waitUntilIdle(anchorer, journal);
                    report(commits, started);
                }
                List<JournalEntry> confirmations = confirmations(journal);
                long previous = 0;
                for (JournalEntry confirmation : confirmations) {
                    assertEquals(previous, confirmation.data().get("from").asLong());
                    previous = confirmation.data().get("to").asLong();
                }
                long size = journal.size();
                try (Anchorer restarted = Anchorer.open(journal, checkpoints, keys, options, commits::add)) {
                    Thread.sleep(3000);
                    assertEquals(AnchorState.ANCHORING, restarted.status().state(), restarted.status().toString());
                    assertEquals(size, journal.size());
                    assertEquals(size, restarted.status().anchoredSize());
                }
                try (FabricGatewayLedger ledger = FabricGatewayLedger.connect(options)) {
                    assertEquals(size, ledger.head(keys.origin()).size());
                }
            }
        }
    }

    private static void append(FileJournal journal, int count) {
        List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(journal.append("test.event", JsonNodeFactory.instance.objectNode().put("request", "r" + i)));
            if (futures.size() == 10_000) {
                futures.forEach(CompletableFuture::join);
                futures.clear();
            }
        }
        futures.forEach(CompletableFuture::join);
    }

    private static void waitUntilIdle(Anchorer anchorer, FileJournal journal) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            AnchorStatus status = anchorer.status();
            if (status.anchoredSize() == journal.size() && status.anchoredSize() >= ENTRIES) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not caught up: " + anchorer.status());
    }

    private static List<JournalEntry> confirmations(FileJournal journal) {
        List<JournalEntry> confirmations = new ArrayList<>();
        journal.replay(0, entry -> {
            if (entry.type().equals(Confirmation.TYPE)) {
                confirmations.add(entry);
            }
        });
        assertTrue(!confirmations.isEmpty());
        return confirmations;
    }

    private static void report(List<AnchorCommit> commits, long started) {
        for (AnchorCommit commit : commits) {
            System.out.printf("batch %d..%d (%d entries) tx %s block %d confirmed=%s at +%d ms%n", commit.from(),
                    commit.to(), commit.to() - commit.from(), commit.txId(), commit.block(), commit.confirmed(),
                    Duration.between(commits.get(0).committedAt(), commit.committedAt()).toMillis());
        }
        System.out.printf("%d commits in %d ms%n", commits.size(), (System.nanoTime() - started) / 1_000_000);
    }
}
