package io.countersign.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Checkpoint;
import io.countersign.api.LogKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointerTest {

    private static final Duration LONG = Duration.ofHours(1);

    @TempDir
    Path dir;

    private Checkpointer open(LedgerFixture fixture, Duration interval, long maxEntries) throws Exception {
        return Checkpointer.open(fixture.journal, fixture.keys, dir.resolve("ledger"), interval, maxEntries);
    }

    @Test
    void theCheckpointIsASignedNoteOverTheTreeOfEveryDurableEntry() throws Exception {
        try (LedgerFixture fixture = new LedgerFixture(dir)) {
            fixture.append(5, "r1");
            try (Checkpointer checkpointer = open(fixture, LONG, 1_000_000)) {
                Checkpoint checkpoint = checkpointer.latest().orElseThrow();
                assertEquals(5, checkpoint.size(), "the start signs what the journal holds");
                assertArrayEquals(fixture.journal.root(5), checkpoint.root());
                String[] lines = checkpoint.note().split("\n", -1);
                assertEquals("test.example/ledger", lines[0]);
                assertEquals("5", lines[1]);
                assertEquals(Base64.getEncoder().encodeToString(checkpoint.root()), lines[2]);
                assertEquals("time " + checkpoint.time(), lines[3]);
                assertEquals("", lines[4]);
                assertTrue(lines[5].startsWith("\u2014 test.example/ledger "), lines[5]);
                assertEquals(checkpoint.keyId(), fixture.keys.current().keyId());
                assertTrue(fixture.keys.verify(checkpoint.keyId(), CheckpointNote.signedBytes(checkpoint),
                        CheckpointNote.signatureOf(checkpoint)));
                assertEquals(checkpoint.note(), CheckpointNote.parse(checkpoint.note()).note());
            }
        }
    }

    @Test
    void aCheckpointFollowsWithinTheIntervalOrAfterMaxEntries() throws Exception {
        try (LedgerFixture fixture = new LedgerFixture(dir)) {
            try (Checkpointer byTime = open(fixture, Duration.ofMillis(50), 1_000_000)) {
                fixture.append(3, "r1");
                awaitSize(byTime, 3);
            }
            try (Checkpointer byCount = open(fixture, LONG, 10)) {
                fixture.append(10, "r2");
                awaitSize(byCount, 13);
                fixture.append(4, "r3");
                Thread.sleep(200);
                assertEquals(13, byCount.latest().orElseThrow().size(), "fewer than maxEntries wait for the interval");
            }
        }
    }

    private static void awaitSize(Checkpointer checkpointer, long size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (checkpointer.latest().map(Checkpoint::size).orElse(-1L) < size) {
            assertTrue(System.nanoTime() < deadline, "no checkpoint of " + size + " entries within 10 s");
            Thread.sleep(5);
        }
        assertEquals(size, checkpointer.latest().orElseThrow().size());
    }

    @Test
    void coveringFindsTheOldestCheckpointContainingAnEntry() throws Exception {
        try (LedgerFixture fixture = new LedgerFixture(dir);
             Checkpointer checkpointer = open(fixture, LONG, 1_000_000)) {
            fixture.append(4, "r1");
            Checkpoint four = checkpointer.signNow();
            fixture.append(6, "r2");
            Checkpoint ten = checkpointer.signNow();
            assertEquals(4, checkpointer.covering(0).orElseThrow().size());
            assertEquals(4, checkpointer.covering(3).orElseThrow().size());
            assertEquals(10, checkpointer.covering(4).orElseThrow().size());
            assertTrue(checkpointer.covering(10).isEmpty());
            assertEquals(four.note(), checkpointer.ofSize(4).orElseThrow().note());
            assertEquals(ten.note(), checkpointer.ofSize(10).orElseThrow().note());
            assertTrue(checkpointer.ofSize(7).isEmpty());
            assertEquals(ten, checkpointer.signNow(), "nothing new, no new checkpoint");
        }
    }

    @Test
    void aJournalShorterThanWhatWasSignedRefusesToStart() throws Exception {
        try (LedgerFixture fixture = new LedgerFixture(dir)) {
            fixture.append(8, "r1");
            open(fixture, LONG, 1_000_000).close();
            fixture.reopenJournal(dir.resolve("empty-journal"));
            fixture.append(3, "r1");
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> open(fixture, LONG, 1_000_000));
            assertTrue(refused.getMessage().contains("signed entries are missing"), refused.getMessage());
        }
    }

    @Test
    void aRewrittenJournalRefusesToStart() throws Exception {
        try (LedgerFixture fixture = new LedgerFixture(dir)) {
            fixture.append(8, "r1");
            open(fixture, LONG, 1_000_000).close();
            fixture.reopenJournal(dir.resolve("other-journal"));
            fixture.append(9, "forged");
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> open(fixture, LONG, 1_000_000));
            assertTrue(refused.getMessage().contains("the journal was rewritten"), refused.getMessage());
        }
    }

    @Test
    void aCheckpointLineCutShortByACrashIsDropped() throws Exception {
        try (LedgerFixture fixture = new LedgerFixture(dir)) {
            fixture.append(2, "r1");
            open(fixture, LONG, 1_000_000).close();
            Path file = dir.resolve("ledger").resolve(CheckpointFile.NAME);
            Files.write(file, "{\"note\":\"test.exa".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
            fixture.append(1, "r2");
            try (Checkpointer reopened = open(fixture, LONG, 1_000_000)) {
                assertEquals(3, reopened.latest().orElseThrow().size());
                assertEquals(2, reopened.covering(0).orElseThrow().size());
            }
        }
    }

    @Test
    void aTamperedStoredCheckpointRefusesToStart() throws Exception {
        try (LedgerFixture fixture = new LedgerFixture(dir)) {
            fixture.append(2, "r1");
            open(fixture, LONG, 1_000_000).close();
            Path file = dir.resolve("ledger").resolve(CheckpointFile.NAME);
            Files.writeString(file, Files.readString(file).replace("\\n2\\n", "\\n1\\n"));
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> open(fixture, LONG, 1_000_000));
            assertTrue(refused.getMessage().contains("does not verify"), refused.getMessage());
        }
    }

    @Test
    void theFirstFailedFsyncIsFinalAndTheLastGoodCheckpointStaysServed() throws Exception {
        Path ledger = dir.resolve("ledger");
        Path path = ledger.resolve(CheckpointFile.NAME);
        FaultyChannel.Opener disk = new FaultyChannel.Opener();
        try (LedgerFixture fixture = new LedgerFixture(dir)) {
            fixture.append(2, "r1");
            try (Checkpointer checkpointer = new Checkpointer(fixture.journal, fixture.keys,
                    CheckpointFile.open(ledger, disk), Duration.ofMillis(20), 1_000_000, Clock.systemUTC())) {
                Checkpoint good = checkpointer.latest().orElseThrow();
                long goodLength = Files.size(path);
                disk.channel.failForces = true;
                fixture.append(1, "r2");

                IllegalStateException refused = assertThrows(IllegalStateException.class, checkpointer::signNow);
                assertTrue(refused.getMessage().startsWith("checkpoints can no longer be written: simulated"),
                        refused.getMessage());
                assertEquals(good, checkpointer.latest().orElseThrow());
                assertEquals(goodLength, Files.size(path), "the failed line is cut back off");

                disk.channel.failForces = false;
                fixture.append(1, "r3");
                Thread.sleep(200);
                assertEquals(1, disk.channel.failures.get(), "the fsync is never retried");
                assertEquals(good, checkpointer.latest().orElseThrow(), "signing stopped");
                assertEquals(goodLength, Files.size(path));
                refused = assertThrows(IllegalStateException.class, checkpointer::signNow);
                assertTrue(refused.getMessage().startsWith("checkpoints can no longer be written: "));
            }
            try (Checkpointer restarted = open(fixture, LONG, 1_000_000)) {
                assertEquals(4, restarted.latest().orElseThrow().size());
                assertEquals(2, restarted.covering(0).orElseThrow().size());
                assertTrue(restarted.ofSize(3).isEmpty(), "the checkpoint that failed to store was never kept");
            }
        }
    }

    @Test
    void aFailedWrite_aFullDisk_isCutBackAndRetried_untilItSucceeds() throws Exception {
        Path ledger = dir.resolve("ledger");
        Path path = ledger.resolve(CheckpointFile.NAME);
        FaultyChannel.Opener disk = new FaultyChannel.Opener();
        try (LedgerFixture fixture = new LedgerFixture(dir)) {
            fixture.append(2, "r1");
            try (Checkpointer checkpointer = new Checkpointer(fixture.journal, fixture.keys,
                    CheckpointFile.open(ledger, disk), Duration.ofMillis(20), 1_000_000, Clock.systemUTC())) {
                Checkpoint good = checkpointer.latest().orElseThrow();
                long goodLength = Files.size(path);
                disk.channel.failWritesHalfway = true;
                fixture.append(1, "r2");

                IllegalStateException refused = assertThrows(IllegalStateException.class, checkpointer::signNow);
                assertTrue(refused.getMessage().startsWith("writing the checkpoint failed, to be retried"),
                        refused.getMessage());
                assertEquals(good, checkpointer.latest().orElseThrow());
                assertEquals(goodLength, Files.size(path), "the partial line is cut back off");
                Thread.sleep(200);
                assertTrue(disk.channel.failures.get() > 1, "the ticker tries again: " + disk.channel.failures.get());

                disk.channel.failWritesHalfway = false;
                awaitSize(checkpointer, 3);
                fixture.append(1, "r3");
                awaitSize(checkpointer, 4);
            }
            try (Checkpointer restarted = open(fixture, LONG, 1_000_000)) {
                assertEquals(4, restarted.latest().orElseThrow().size());
                assertEquals(2, restarted.covering(0).orElseThrow().size());
                assertEquals(3, restarted.covering(2).orElseThrow().size(), "the retried checkpoint is stored");
            }
        }
    }

    /** Reads the given instants, in order, then the real time. */
    private static final class ScriptedClock extends Clock {
        private final Deque<Instant> script = new ConcurrentLinkedDeque<>();

        void next(Instant... instants) {
            script.addAll(List.of(instants));
        }

        @Override
        public Instant instant() {
            Instant next = script.poll();
            return next != null ? next : Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private Checkpointer open(LedgerFixture fixture, Clock clock) throws Exception {
        return new Checkpointer(fixture.journal, fixture.keys, CheckpointFile.open(dir.resolve("ledger")), LONG,
                1_000_000, clock);
    }

    /** Waits until the clock is in a later second than {@code time}, so that a key created now starts after it. */
    private static void awaitSecondAfter(Instant time) throws InterruptedException {
        while (Instant.now().getEpochSecond() <= time.getEpochSecond()) {
            Thread.sleep(10);
        }
    }

    @Test
    void aKeyRotatedBetweenReadingTheClockAndSigningIsNotPairedWithAnEarlierTime() throws Exception {
        ScriptedClock clock = new ScriptedClock();
        try (LedgerFixture fixture = new LedgerFixture(dir);
             Checkpointer checkpointer = open(fixture, clock)) {
            Checkpoint before = checkpointer.latest().orElseThrow();
            awaitSecondAfter(before.time());
            LogKey rotated = fixture.keys.rotate();
            fixture.append(1, "r1");
            clock.next(before.time()); // as if read just before the rotation: earlier than the new key's createdAt

            Checkpoint checkpoint = checkpointer.signNow();
            assertEquals(rotated.keyId(), checkpoint.keyId());
            assertTrue(rotated.wasCurrentAt(checkpoint.time()), checkpoint.time() + " is outside the new key's"
                    + " interval, which starts at " + rotated.createdAt());
            assertTrue(fixture.keys.verify(checkpoint.keyId(), CheckpointNote.signedBytes(checkpoint),
                    CheckpointNote.signatureOf(checkpoint)));
        }
    }

    @Test
    void aCheckpointNoKeyWasCurrentForIsRefusedAfterThreeAttempts() throws Exception {
        ScriptedClock clock = new ScriptedClock();
        try (LedgerFixture fixture = new LedgerFixture(dir);
             Checkpointer checkpointer = open(fixture, clock)) {
            Checkpoint before = checkpointer.latest().orElseThrow();
            awaitSecondAfter(before.time());
            fixture.keys.rotate();
            fixture.append(1, "r1");
            clock.next(before.time(), before.time(), before.time());

            IllegalStateException refused = assertThrows(IllegalStateException.class, checkpointer::signNow);
            assertTrue(refused.getMessage().contains("signed 3 times by a key that was not current"),
                    refused.getMessage());
            assertEquals(before, checkpointer.latest().orElseThrow());
            assertEquals(before.size() + 1, checkpointer.signNow().size(), "the real time signs");
        }
    }
}
