package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkRunnerTest {

    @TempDir
    Path dir;

    private static final SinkRunner.Settings FAST = new SinkRunner.Settings(7, 1, 1, 4);

    /** Receives everything; fails on the calls whose number is in {@code failOn}; confirms {@code lag} events late. */
    static class Receiver implements Transport {
        final List<Long> received = new ArrayList<>();
        final java.util.Set<Integer> failOn;
        final int lag;
        int calls;
        long confirmed = -1;

        Receiver(int lag, Integer... failOn) {
            this.lag = lag;
            this.failOn = java.util.Set.of(failOn);
        }

        @Override
        public long send(List<SiemEvent> events) throws IOException {
            calls++;
            if (failOn.contains(calls)) {
                // half of the batch got through before the failure: the receiver has it, the sink must not count it
                events.subList(0, events.size() / 2).forEach(e -> received.add(e.seq()));
                throw new IOException("receiver down (call " + calls + ")");
            }
            events.forEach(e -> received.add(e.seq()));
            long last = events.get(events.size() - 1).seq() + 1;
            confirmed = Math.max(confirmed, last - lag);
            return confirmed;
        }

        @Override
        public long confirmed() {
            confirmed = received.isEmpty() ? confirmed : received.get(received.size() - 1) + 1;
            return confirmed;
        }

        @Override
        public String target() {
            return "memory";
        }

        @Override
        public void close() {
        }
    }

    private SinkRunner runner(MemoryJournal journal, Transport transport) {
        return new SinkRunner("t", journal, new PlainJsonFormat("o"), transport, "memory",
                new Cursor(dir.resolve("t.cursor")), FAST, Clock.systemUTC());
    }

    private static void drain(SinkRunner runner, int steps) throws Exception {
        for (int i = 0; i < steps; i++) {
            runner.step();
        }
    }

    /** Every seq from 0 to n-1 in order once duplicates are dropped, and duplicates only re-send a later suffix. */
    static void inOrderWithoutGaps(List<Long> received, long n) {
        long expected = 0;
        for (long seq : received) {
            assertTrue(seq <= expected, "gap: got " + seq + " while waiting for " + expected + " in " + received);
            if (seq == expected) {
                expected++;
            }
        }
        assertEquals(n, expected, "not all delivered: " + received);
    }

    @Test
    void failuresResendFromTheConfirmedCursorInOrderWithoutGaps() throws Exception {
        MemoryJournal journal = new MemoryJournal().add(100);
        Receiver receiver = new Receiver(0, 2, 3, 9);
        SinkRunner runner = runner(journal, receiver);
        runner.open();
        drain(runner, 40);
        inOrderWithoutGaps(receiver.received, 100);
        assertTrue(receiver.received.size() > 100, "the failed batches' first halves came twice");
        SinkStatus status = runner.status();
        assertEquals(100, status.confirmed());
        assertEquals(0, status.lag());
        assertEquals("caught-up", status.state());
        assertEquals(3, status.retries());
        assertEquals(new Cursor.Position(100, journal.read(99, 1).get(0).hash()),
                new Cursor(dir.resolve("t.cursor")).read());
    }

    @Test
    void whileDeliveringTheCursorIsPersistedAtMostEveryCursorMillisAndAlwaysOnceCaughtUp() throws Exception {
        MemoryJournal journal = new MemoryJournal().add(50);
        Receiver receiver = new Receiver(0);
        SinkRunner runner = new SinkRunner("t", journal, new PlainJsonFormat("o"), receiver, "memory",
                new Cursor(dir.resolve("t.cursor")), new SinkRunner.Settings(7, 1, 1, 4, 3_600_000),
                Clock.systemUTC());
        runner.open();
        for (int i = 0; i < 8; i++) { // 8 × 7 = 56 ≥ 50: everything sent and confirmed, no idle step yet
            runner.step();
        }
        assertEquals(50, runner.status().confirmed());
        assertEquals(0, new Cursor(dir.resolve("t.cursor")).read().next(), "not written while delivering");
        runner.step(); // nothing new: caught up, so the cursor is written now
        assertEquals(new Cursor.Position(50, journal.read(49, 1).get(0).hash()),
                new Cursor(dir.resolve("t.cursor")).read());
    }

    @Test
    void aRestartResumesAtThePersistedCursorAndResendsOnlyWhatWasUnconfirmed() throws Exception {
        MemoryJournal journal = new MemoryJournal().add(50);
        Receiver first = new Receiver(5); // confirms all but the last 5 it was sent
        SinkRunner runner = runner(journal, first);
        runner.open();
        for (int i = 0; i < 8; i++) { // 8 × 7 = 56 ≥ 50: everything sent, the last 5 not confirmed
            runner.step();
        }
        assertEquals(50, first.received.size());
        long cursor = new Cursor(dir.resolve("t.cursor")).read().next();
        assertEquals(45, cursor);
        assertEquals(5, runner.status().lag());

        journal.add(10);
        Receiver second = new Receiver(0);
        SinkRunner restarted = runner(journal, second);
        restarted.open();
        drain(restarted, 20);
        assertEquals(45, second.received.get(0), "the unconfirmed window is sent again, nothing before it");
        List<Long> all = new ArrayList<>(first.received);
        all.addAll(second.received);
        inOrderWithoutGaps(all, 60);
        assertEquals(65, all.size(), "exactly the 5 unconfirmed events are duplicates");
    }

    @Test
    void theJournalIsTheBacklogOfAnOutageOfAnyLength() throws Exception {
        MemoryJournal journal = new MemoryJournal().add(10);
        Integer[] down = new Integer[30];
        for (int i = 0; i < down.length; i++) {
            down[i] = i + 2;
        }
        Receiver receiver = new Receiver(0, down);
        SinkRunner runner = runner(journal, receiver);
        runner.open();
        for (int i = 0; i < 31; i++) {
            runner.step();
            journal.add(20); // the approval path goes on appending meanwhile
        }
        assertTrue(runner.status().lag() > 500, "lag grows while the receiver is down: " + runner.status());
        drain(runner, 200);
        inOrderWithoutGaps(receiver.received, journal.size());
        assertEquals(0, runner.status().lag());
    }

    @Test
    void aCursorOfAnotherJournalIsRefused() throws Exception {
        MemoryJournal journal = new MemoryJournal().add(10);
        new Cursor(dir.resolve("t.cursor")).write(new Cursor.Position(5, "sha256:" + "ff".repeat(32)));
        SinkRunner runner = runner(journal, new Receiver(0));
        IOException e = assertThrows(IOException.class, runner::open);
        assertTrue(e.getMessage().contains("not a position in this journal"), e.getMessage());
    }

    @Test
    void aStartedRunnerDeliversOnItsOwnThreadAndStops() throws Exception {
        MemoryJournal journal = new MemoryJournal().add(30);
        Receiver receiver = new Receiver(0);
        SinkRunner runner = runner(journal, receiver).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (runner.status().confirmed() < 30 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        runner.close();
        assertEquals("stopped", runner.status().state());
        inOrderWithoutGaps(new ArrayList<>(receiver.received), 30);
    }

    @Test
    void stoppingWhileDeliveringPersistsWhatWasConfirmedThoughTheThreadIsInterrupted() throws Exception {
        MemoryJournal journal = new MemoryJournal().add(5_000);
        Receiver slow = new Receiver(0) {
            @Override
            public long send(List<SiemEvent> events) throws IOException {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("stopped");
                }
                return super.send(events);
            }
        };
        SinkRunner runner = new SinkRunner("t", journal, new PlainJsonFormat("o"), slow, "memory",
                new Cursor(dir.resolve("t.cursor")), new SinkRunner.Settings(7, 1, 1, 4, 3_600_000),
                Clock.systemUTC()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (runner.status().confirmed() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        runner.close();
        long confirmed = runner.status().confirmed();
        assertTrue(confirmed >= 100 && confirmed < 5_000, "stopped while delivering: " + confirmed);
        assertEquals(new Cursor.Position(confirmed, journal.read(confirmed - 1, 1).get(0).hash()),
                new Cursor(dir.resolve("t.cursor")).read());
    }
}
