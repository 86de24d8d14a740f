package io.countersign.journal.internal;

import static io.countersign.journal.internal.Fixtures.data;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.JournalEntry;
import io.countersign.api.MerkleLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Merkle tree of a whole journal: published with durability, kept across reopens, repaired when damaged. */
class MerkleJournalTest {

    private static final long SEGMENT_BYTES = 64 * 1024;

    @TempDir
    Path directory;

    private Path nodeFile() {
        return directory.resolve(MerkleTree.DIRECTORY).resolve(MerkleTree.FILE);
    }

    @Test
    void whenAnAppendCompletes_theTreeAlreadyHoldsIt_andMatchesTheEntriesReadBack() throws Exception {
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        try (FileJournal journal = FileJournal.open(directory, SEGMENT_BYTES)) {
            List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                futures.add(journal.append("test.entry", data(i)).whenComplete((entry, failure) -> {
                    long size = journal.size();
                    if (failure != null || size <= entry.seq()) {
                        problems.add("seq " + (entry == null ? "?" : entry.seq()) + " completed with tree size "
                                + size + ", failure " + failure);
                    } else if (!ProofVerifier.verifyInclusion(entry.seq(), size, ReferenceTree.leafHash(
                            entryHash(entry)), journal.inclusionProof(entry.seq(), size), journal.root(size))) {
                        problems.add("seq " + entry.seq() + " has no valid proof in size " + size);
                    }
                }));
            }
            for (CompletableFuture<JournalEntry> future : futures) {
                Fixtures.await(future);
            }
            assertEquals(List.of(), List.copyOf(problems));
            assertMatchesTheEntries(journal);
        }
    }

    @Test
    void afterAReopen_theRootsAreTheSame() throws Exception {
        List<byte[]> roots = new ArrayList<>();
        try (FileJournal journal = journalOf(100)) {
            for (int n = 0; n <= 100; n++) {
                roots.add(journal.root(n));
            }
        }
        try (FileJournal journal = FileJournal.open(directory, SEGMENT_BYTES)) {
            assertEquals(100, journal.size());
            for (int n = 0; n <= 100; n++) {
                assertArrayEquals(roots.get(n), journal.root(n), "root of size " + n);
            }
            Fixtures.await(journal.append("after.reopen", data(100)));
            assertMatchesTheEntries(journal);
        }
    }

    @Test
    void whenTheTreeDirectoryIsDeleted_theOpenRebuildsIt() throws Exception {
        journalOf(100).close();
        deleteTree(directory.resolve(MerkleTree.DIRECTORY));
        assertRepairedOnOpen(100);
    }

    @Test
    void whenStoredNodesAreFlipped_theOpenRewritesThem() throws Exception {
        journalOf(100).close();
        // A leaf, the node over leaves 0-1, the node over leaves 0-63, and the last node of the tree.
        for (long node : new long[] {0, 2, MerkleTree.position(6, 0), 2 * 100 - Long.bitCount(100) - 1}) {
            flipByte(node * TreeHasher.HASH_BYTES + 7);
        }
        assertRepairedOnOpen(100);
    }

    @Test
    void anIntactTreeFile_isCheckedButNotRewritten_andOnlyDamagedNodesAre() throws Exception {
        journalOf(100).close();
        JournalOptions options = JournalOptions.defaults(directory).withSegmentBytes(SEGMENT_BYTES);
        try (JournalStore store = JournalStore.open(options)) {
            assertEquals(0, store.merkle().rewrittenNodes());
        }
        flipByte(0);
        flipByte(MerkleTree.position(6, 0) * TreeHasher.HASH_BYTES);
        try (JournalStore store = JournalStore.open(options)) {
            assertEquals(2, store.merkle().rewrittenNodes());
        }
    }

    @Test
    void whenTheTreeFileIsTruncated_theOpenRebuildsTheMissingPart() throws Exception {
        journalOf(100).close();
        for (long length : new long[] {0, 5000, 3333}) {
            try (FileChannel channel = FileChannel.open(nodeFile(), StandardOpenOption.WRITE)) {
                channel.truncate(length);
            }
            assertRepairedOnOpen(100);
        }
    }

    @Test
    void whenTheTreeFileComesFromAnotherJournal_theOpenReplacesEveryNode() throws Exception {
        Path other = directory.resolve("other");
        try (FileJournal journal = FileJournal.open(other, SEGMENT_BYTES)) {
            for (int i = 0; i < 150; i++) {
                Fixtures.await(journal.append("other.entry", data(1000 + i)));
            }
        }
        journalOf(100).close();
        Files.copy(other.resolve(MerkleTree.DIRECTORY).resolve(MerkleTree.FILE), nodeFile(),
                StandardCopyOption.REPLACE_EXISTING);
        assertRepairedOnOpen(100);
    }

    @Test
    void whenTheJournalHasATornTail_theTreeEndsAtTheLastWholeEntry() throws Exception {
        journalOf(40).close();
        List<RawSegments.RawRecord> records = RawSegments.records(directory);
        RawSegments.RawRecord last = records.get(records.size() - 1);
        byte[] half = RawSegments.readAt(last.segment(), last.offset(), 8 + last.length() / 2);
        RawSegments.writeAt(last.segment(), last.end(), half);

        assertRepairedOnOpen(40);
        try (FileJournal journal = FileJournal.open(directory, SEGMENT_BYTES)) {
            for (int i = 40; i < 60; i++) {
                Fixtures.await(journal.append("after.crash", data(i)));
            }
            assertMatchesTheEntries(journal);
        }
    }

    @Test
    void proofsForRandomSizes_verifyWhileAppendsGoOn() throws Exception {
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        Map<Long, String> rootsSeen = new ConcurrentHashMap<>();
        AtomicBoolean appending = new AtomicBoolean(true);
        try (FileJournal journal = FileJournal.open(directory, SEGMENT_BYTES)) {
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread reader = new Thread(() -> {
                    while (appending.get()) {
                        checkRandomProofs(journal, rootsSeen, problems);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                futures.add(journal.append("test.entry", data(i)));
                if (i % 64 == 0) {
                    Fixtures.await(futures.get(i));
                }
            }
            for (CompletableFuture<JournalEntry> future : futures) {
                Fixtures.await(future);
            }
            appending.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
            assertEquals(List.of(), List.copyOf(problems));
            assertTrue(rootsSeen.size() > 10, "the readers saw " + rootsSeen.size() + " sizes");
            List<byte[]> entryHashes = entryHashes(journal);
            for (Map.Entry<Long, String> seen : rootsSeen.entrySet()) {
                int size = Math.toIntExact(seen.getKey());
                assertEquals(HexFormat.of().formatHex(ReferenceTree.mth(entryHashes.subList(0, size))),
                        seen.getValue(), "the root a reader saw for size " + size);
            }
        }
    }

    private static void checkRandomProofs(MerkleLog log, Map<Long, String> rootsSeen, Queue<String> problems) {
        long current = log.size();
        if (current == 0) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long size = 1 + random.nextLong(current);
        long index = random.nextLong(size);
        long old = random.nextLong(size + 1);
        byte[] root = log.root(size);
        rootsSeen.putIfAbsent(size, HexFormat.of().formatHex(root));
        if (!ProofVerifier.verifyInclusion(index, size, log.leafHash(index), log.inclusionProof(index, size), root)) {
            problems.add("inclusion of " + index + " in size " + size);
        }
        if (!ProofVerifier.verifyConsistency(old, size, log.root(old), root, log.consistencyProof(old, size))) {
            problems.add("consistency " + old + " -> " + size);
        }
    }

    private FileJournal journalOf(int entries) throws Exception {
        FileJournal journal = FileJournal.open(directory, SEGMENT_BYTES);
        List<CompletableFuture<JournalEntry>> futures = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            futures.add(journal.append("test.entry", data(i)));
        }
        for (CompletableFuture<JournalEntry> future : futures) {
            Fixtures.await(future);
        }
        return journal;
    }

    private void assertRepairedOnOpen(long expectedSize) throws Exception {
        try (FileJournal journal = FileJournal.open(directory, SEGMENT_BYTES)) {
            assertEquals(expectedSize, journal.size());
            assertMatchesTheEntries(journal);
        }
    }

    /** Every root, leaf and a spread of proofs agree with the RFC definitions over the entries read back. */
    private static void assertMatchesTheEntries(FileJournal journal) {
        List<byte[]> entryHashes = entryHashes(journal);
        Random random = new Random(entryHashes.size());
        for (int n = 0; n <= entryHashes.size(); n++) {
            List<byte[]> prefix = entryHashes.subList(0, n);
            assertArrayEquals(ReferenceTree.mth(prefix), journal.root(n), "root of size " + n);
            if (n > 0) {
                int index = random.nextInt(n);
                MerkleTreeTest.assertSameHashes(ReferenceTree.path(index, prefix), journal.inclusionProof(index, n),
                        "inclusion of " + index + " in size " + n);
                int old = random.nextInt(n + 1);
                MerkleTreeTest.assertSameHashes(ReferenceTree.proof(old, prefix), journal.consistencyProof(old, n),
                        "consistency " + old + " -> " + n);
            }
        }
        for (int i = 0; i < entryHashes.size(); i++) {
            assertArrayEquals(ReferenceTree.leafHash(entryHashes.get(i)), journal.leafHash(i), "leaf " + i);
        }
    }

    private static List<byte[]> entryHashes(FileJournal journal) {
        return journal.read(0, Math.toIntExact(journal.size())).stream().map(MerkleJournalTest::entryHash).toList();
    }

    private static byte[] entryHash(JournalEntry entry) {
        return HexFormat.of().parseHex(entry.hash().substring("sha256:".length()));
    }

    private void flipByte(long offset) throws IOException {
        byte[] one = RawSegments.readAt(nodeFile(), offset, 1);
        one[0] ^= 0x40;
        RawSegments.writeAt(nodeFile(), offset, one);
    }

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
