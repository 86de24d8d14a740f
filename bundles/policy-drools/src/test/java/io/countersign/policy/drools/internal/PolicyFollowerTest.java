package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.journal.internal.FileJournal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code state.bin} follows the journal: rewritten on a policy entry, every so many entries or so long, and at close. */
@Timeout(60)
class PolicyFollowerTest {

    @TempDir
    Path dir;
    private FileJournal file;
    private CountingJournal journal;
    private PolicyJournal writer;
    private PolicyStateFile state;
    private final AtomicLong nanos = new AtomicLong();

    @BeforeEach
    void open() throws IOException {
        file = FileJournal.open(dir.resolve("journal"), 1 << 20);
        journal = new CountingJournal(file);
        writer = new PolicyJournal(journal);
        state = new PolicyStateFile(dir.resolve("policy"));
        writer.bootstrap(PolicyJournal.ruleSet(1));
        writer.others(3);
    }

    @AfterEach
    void close() {
        file.close();
    }

    private PolicyFollower started(PolicyFollower.Interval interval) {
        PolicyFollower follower = new PolicyFollower(journal, journal, state, interval, nanos::get);
        follower.start(PolicyRestore.withoutState(journal));
        return follower;
    }

    /** Waits until the follower has taken every entry now in the journal. */
    private void caughtUp(PolicyFollower follower) throws InterruptedException {
        while (follower.state().size() < journal.size()) {
            Thread.sleep(5);
        }
    }

    private long writtenSize() throws PolicyState.Unusable {
        return state.read().size();
    }

    @Test
    void aPolicyEntryIsWrittenAtOnce_otherEntriesOnlyEverySoMany() throws Exception {
        try (PolicyFollower follower = started(new PolicyFollower.Interval(10, Duration.ofHours(1)))) {
            assertEquals(4, writtenSize(), "written at start");
            writer.others(9);
            caughtUp(follower);
            assertEquals(4, writtenSize(), "9 entries are fewer than 10");
            writer.others(16);
            caughtUp(follower);
            assertEquals(24, writtenSize(), "at 14 and 24");
            String change = writer.propose("grace", PolicyJournal.ruleSet(2), PolicyJournal.version(
                    PolicyJournal.ruleSet(1)));
            caughtUp(follower);
            assertEquals(journal.size(), writtenSize());
            writer.others(2);
            writer.activate(change, PolicyJournal.ruleSet(2), PolicyJournal.version(PolicyJournal.ruleSet(1)),
                    List.of("heidi", "ivan"));
            caughtUp(follower);
            assertEquals(journal.size(), writtenSize());
            PolicyState written = state.read();
            assertEquals(journal.size() - 1, written.lastActivated());
            assertEquals(written, stateOfFullReplay());
        }
    }

    @Test
    void aQuietJournalIsWrittenOnceTheTimeHasPassed() throws Exception {
        try (PolicyFollower follower = started(new PolicyFollower.Interval(1_000_000, Duration.ofSeconds(60)))) {
            writer.others(1);
            caughtUp(follower);
            assertEquals(4, writtenSize());
            nanos.addAndGet(Duration.ofSeconds(61).toNanos());
            writer.others(1);
            caughtUp(follower);
            assertEquals(6, writtenSize());
        }
    }

    @Test
    void closingWritesWhereTheFollowerStopped() throws Exception {
        PolicyFollower follower = started(PolicyFollower.Interval.DEFAULT);
        writer.others(30);
        caughtUp(follower);
        assertEquals(4, writtenSize());
        follower.close();
        assertEquals(journal.size(), writtenSize());
        assertEquals(stateOfFullReplay(), state.read());
    }

    private PolicyState stateOfFullReplay() {
        PolicyHistory history = PolicyHistory.read(journal);
        return PolicyState.of(history.nextSeq(), journal, history.lastActivatedSeq(), history.seqs());
    }
}
