package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.JournalEntry;
import io.countersign.journal.internal.FileJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy history from {@code state.bin} and the journal's tail is the history a replay of the whole journal
 * gives, at every cut point; a file that does not describe the journal is not used, and says why.
 */
class PolicyRestoreTest {

    @TempDir
    Path dir;
    private FileJournal file;
    private CountingJournal journal;

    @BeforeEach
    void open() throws IOException {
        file = FileJournal.open(dir.resolve("journal"), 1 << 20);
        journal = new CountingJournal(file);
    }

    @AfterEach
    void close() {
        file.close();
    }

    /** Writes {@code state.bin} for the journal as it is now, as the engine does at start. */
    static PolicyStateFile stateNow(CountingJournal journal, Path directory) {
        PolicyStateFile state = new PolicyStateFile(directory);
        try (PolicyFollower follower = new PolicyFollower(journal, journal, state, PolicyFollower.Interval.DEFAULT,
                System::nanoTime)) {
            follower.start(PolicyRestore.withoutState(journal));
        }
        return state;
    }

    @Test
    void fromTheStateAndTheTailTheHistoryIsTheFullReplaysAtEveryCut() throws Exception {
        List<Long> cuts = new ArrayList<>();
        new PolicyJournal(journal).history(new Random(7), 40, () -> {
            cuts.add(journal.size());
            stateNow(journal, dir.resolve("cut-" + journal.size()));
        });
        assertTrue(cuts.size() > 10, "cuts: " + cuts);
        PolicyHistory full = PolicyHistory.read(journal);
        assertEquals(8, full.entries().size(), "bootstrap, 4 proposals, 1 activation, 2 closings");
        for (long cut : cuts) {
            journal.replaysFrom.clear();
            PolicyRestore restored = PolicyRestore.restore(new PolicyStateFile(dir.resolve("cut-" + cut)), journal,
                    journal);
            assertNull(restored.stateIgnored(), "cut " + cut);
            assertEquals(List.of(cut), journal.replaysFrom, "only the tail is replayed");
            assertEquals(full, restored.history(), "cut " + cut);
            assertEquals(full.lastActivated(), restored.history().lastActivated());
            assertEquals(cut == journal.size(), restored.stateCurrent());
        }
    }

    @Test
    void unusableStatesAreIgnoredSayingWhyAndTheWholeJournalIsRead() throws Exception {
        new PolicyJournal(journal).history(new Random(11), 20, () -> { });
        PolicyHistory full = PolicyHistory.read(journal);
        Path good = stateNow(journal, dir.resolve("good")).path();
        byte[] bytes = Files.readAllBytes(good);

        assertIgnored(null, "does not exist", full);
        assertIgnored(Arrays.copyOf(bytes, bytes.length - 9), "CRC-32C", full);
        assertIgnored(Arrays.copyOf(bytes, 20), "shorter than any state", full);
        for (int at : new int[] {0, 9, 13, 25, bytes.length - 1}) {
            byte[] flipped = bytes.clone();
            flipped[at] ^= 0x10;
            assertIgnored(flipped, "CRC-32C", full);
        }
        PolicyState state = PolicyState.decode(bytes);
        assertIgnored(new PolicyState(journal.size() + 3, state.root(), state.lastActivated(), state.seqs()).encode(),
                "describes " + (journal.size() + 3) + " entries and the journal has " + journal.size(), full);
        long[] shifted = Arrays.stream(state.seqs()).map(seq -> seq - 1).toArray();
        assertIgnored(new PolicyState(state.size(), state.root(), shifted[shifted.length - 1], shifted).encode(),
                "is not a policy change", full);
        long[] withoutLast = Arrays.copyOf(state.seqs(), state.seqs().length - 1);
        assertIgnored(new PolicyState(state.size(), state.root(), -1, withoutLast).encode(), "last activation", full);
    }

    @Test
    void aStateFromAnotherJournalIsIgnored() throws Exception {
        new PolicyJournal(journal).history(new Random(3), 5, () -> { });
        PolicyHistory full = PolicyHistory.read(journal);
        try (FileJournal other = FileJournal.open(dir.resolve("other"), 1 << 20)) {
            CountingJournal counted = new CountingJournal(other);
            PolicyJournal writer = new PolicyJournal(counted);
            writer.bootstrap(PolicyJournal.ruleSet(9));
            writer.others((int) journal.size() - 1);
            byte[] foreign = Files.readAllBytes(stateNow(counted, dir.resolve("foreign")).path());
            assertIgnored(foreign, "another journal", full);
        }
    }

    @Test
    void theFormatRoundTripsAndChecksItsFields() throws Exception {
        PolicyState state = new PolicyState(12, new byte[32], 7, new long[] {1, 4, 7});
        assertEquals(state, PolicyState.decode(state.encode()));
        assertArrayEquals("CSPOLST1".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                Arrays.copyOf(state.encode(), 8));
        assertEquals(8 + 4 + 8 + 32 + 8 + 4 + 3 * 8 + 4, state.encode().length);
        assertUnusable(new PolicyState(12, new byte[32], 7, new long[] {4, 1, 7}), "ascending");
        assertUnusable(new PolicyState(5, new byte[32], -1, new long[] {1, 5}), "ascending");
        assertUnusable(new PolicyState(12, new byte[32], 3, new long[] {1, 4, 7}), "not among its seqs");
        byte[] future = state.encode();
        future[11] = 2;
        assertUnusable(withCrc(future), "format version 2");
        byte[] magic = state.encode();
        magic[0] = 'X';
        assertUnusable(withCrc(magic), "does not start with CSPOLST1");
    }

    private void assertIgnored(byte[] content, String why, PolicyHistory full) throws IOException {
        Path directory = Files.createDirectories(dir.resolve("state-" + System.nanoTime()));
        PolicyStateFile state = new PolicyStateFile(directory);
        if (content != null) {
            Files.write(state.path(), content);
        }
        journal.replaysFrom.clear();
        PolicyRestore restored = PolicyRestore.restore(state, journal, journal);
        assertNotNull(restored.stateIgnored(), why);
        assertTrue(restored.stateIgnored().contains(why), restored.stateIgnored());
        assertFalse(restored.stateCurrent());
        assertEquals(List.of(0L), journal.replaysFrom.subList(journal.replaysFrom.size() - 1,
                journal.replaysFrom.size()), "the whole journal is read");
        assertEquals(full, restored.history());
    }

    private static void assertUnusable(PolicyState state, String why) {
        assertUnusable(state.encode(), why);
    }

    private static void assertUnusable(byte[] bytes, String why) {
        PolicyState.Unusable unusable = org.junit.jupiter.api.Assertions.assertThrows(PolicyState.Unusable.class,
                () -> PolicyState.decode(bytes));
        assertTrue(unusable.getMessage().contains(why), unusable.getMessage());
    }

    private static byte[] withCrc(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());
        return bytes;
    }

    static List<Long> seqs(List<JournalEntry> entries) {
        return entries.stream().map(JournalEntry::seq).toList();
    }
}
