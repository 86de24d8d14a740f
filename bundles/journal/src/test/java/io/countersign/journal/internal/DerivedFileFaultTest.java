package io.countersign.journal.internal;

import io.countersign.api.testing.LogCapture;
import static io.countersign.journal.internal.Fixtures.appendAll;
import static io.countersign.journal.internal.Fixtures.assertSameEntries;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every derived file deleted, truncated, with a byte flipped, swapped for an older one or taken from another journal:
 * the journal opens with the same entries and roots, says why it ignored what it could not use, and writes it again.
 */
class DerivedFileFaultTest {

    private static final int FIRST_SESSION = 500;
    private static final int ENTRIES = 1000;

    enum DerivedFileKind { SEAL, NODES, SEGMENT_INDEX, SCRUB_PROGRESS }

    enum Fault { DELETED, TRUNCATED, BYTE_FLIPPED, OLDER, FROM_ANOTHER_JOURNAL }

    @TempDir
    static Path shared;

    private static Path journal;
    private static Path older;
    private static Path another;
    private static List<JournalEntry> written;
    private static byte[] root;
    /** A closed segment whose index names more than its first record, in both journals. */
    private static long indexedSegment;
    private static long anotherIndexedSegment;

    @TempDir
    Path directory;

    static JournalOptions options(Path directory) {
        return Fixtures.small(directory).withSegmentBytes(48 * 1024)
                .withSeal(new JournalOptions.SealOptions(100_000, Duration.ofMinutes(1), false, 1_000_000));
    }

    @BeforeAll
    static void journals() throws Exception {
        journal = shared.resolve("journal");
        older = shared.resolve("older");
        another = shared.resolve("another");
        written = new ArrayList<>();
        try (JournalStore store = JournalStore.open(options(journal))) {
            written.addAll(appendAll(store, 0, FIRST_SESSION));
        }
        try (JournalStore store = JournalStore.open(options(journal))) {
            SealedOpenTest.awaitScrub(store); // scrub.bin now says FIRST_SESSION
        }
        copy(journal, older, FIRST_SESSION);
        try (JournalStore store = JournalStore.open(options(journal))) {
            written.addAll(appendAll(store, FIRST_SESSION, ENTRIES - FIRST_SESSION));
        }
        try (JournalStore store = JournalStore.open(options(journal))) {
            assertEquals(0, store.verifiedOnOpen());
            root = store.merkle().root(ENTRIES);
            SealedOpenTest.awaitScrub(store);
        }
        try (JournalStore store = JournalStore.open(options(another))) {
            appendAll(store, 5000, ENTRIES); // other entries, so other record lengths and segment boundaries
        }
        try (JournalStore store = JournalStore.open(options(another))) {
            SealedOpenTest.awaitScrub(store);
        }
        indexedSegment = segmentWithIndexedInterval(journal, FIRST_SESSION);
        anotherIndexedSegment = segmentWithIndexedInterval(another, ENTRIES);
    }

    /** The first closed segment before {@code limit} whose index holds a position besides its first record. */
    private static long segmentWithIndexedInterval(Path directory, long limit) throws Exception {
        List<Long> firstSeqs = new ArrayList<>(SegmentFiles.list(directory).keySet());
        for (int i = 0; i + 1 < firstSeqs.size(); i++) {
            long first = firstSeqs.get(i);
            long next = firstSeqs.get(i + 1);
            if (next <= limit && (next - 1) / SparseIndex.INTERVAL > first / SparseIndex.INTERVAL
                    && first % SparseIndex.INTERVAL != 0) {
                return first;
            }
        }
        throw new AssertionError("no segment spans a multiple of " + SparseIndex.INTERVAL);
    }

    /** Copies a journal directory; of nodes.bin only what a tree of {@code size} uses (the rest is sparse zeros). */
    private static void copy(Path from, Path to, long size) throws IOException {
        Files.createDirectories(to.resolve(MerkleTree.DIRECTORY));
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path nodes = from.resolve(MerkleTree.DIRECTORY).resolve(MerkleTree.FILE);
        byte[] used = RawSegments.readAt(nodes, 0, (int) (Seal.nodesOf(size) * TreeHasher.HASH_BYTES));
        Files.write(to.resolve(MerkleTree.DIRECTORY).resolve(MerkleTree.FILE), used);
    }

    static Stream<Arguments> faults() {
        List<Arguments> all = new ArrayList<>();
        for (DerivedFileKind kind : DerivedFileKind.values()) {
            for (Fault fault : Fault.values()) {
                all.add(Arguments.of(kind, fault));
            }
        }
        return all.stream();
    }

    private static Path file(Path directory, DerivedFileKind kind, long segment) {
        return switch (kind) {
            case SEAL -> directory.resolve(Seal.FILE);
            case NODES -> directory.resolve(MerkleTree.DIRECTORY).resolve(MerkleTree.FILE);
            case SEGMENT_INDEX -> SegmentIndexFile.path(directory, segment);
            case SCRUB_PROGRESS -> directory.resolve(Seal.SCRUB_FILE);
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("faults")
    void theJournalOpensTheSame_saysWhy_andRewritesTheFile(DerivedFileKind kind, Fault fault) throws Exception {
        copy(journal, directory, ENTRIES);
        Path target = file(directory, kind, indexedSegment);
        assertTrue(Files.exists(target), target + " exists before the fault");
        String warning = damage(kind, fault, target);

        try (LogCapture log = new LogCapture(); JournalStore store = JournalStore.open(options(directory))) {
            assertEquals(ENTRIES, store.size());
            assertArrayEquals(root, store.merkle().root(ENTRIES));
            for (int seq = 0; seq < ENTRIES; seq += seq % SparseIndex.INTERVAL < 250 ? 13 : 1) {
                assertSameEntries(written.subList(seq, seq + 1), store.read(seq, 1));
            }
            assertSameEntries(written, store.read(0, 2 * ENTRIES));
            SealedOpenTest.awaitScrub(store);
            assertEquals(JournalStore.State.WRITING, store.health().state(), String.valueOf(store.health()));
            if (warning != null) {
                assertTrue(log.warned(warning), "expected a warning naming " + warning + " in:\n" + log.text());
            }
        }
        assertRewritten(kind, target);
    }

    /** Applies the fault; returns what the warning must name, or null when there is nothing to warn about. */
    private String damage(DerivedFileKind kind, Fault fault, Path target) throws IOException {
        String name = target.getFileName().toString();
        switch (fault) {
            case DELETED -> Files.delete(target);
            case TRUNCATED -> {
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    channel.truncate(channel.size() / 2);
                }
            }
            case BYTE_FLIPPED -> {
                long at = switch (kind) {
                    case NODES -> MerkleTree.position(0, 10) * TreeHasher.HASH_BYTES + 3; // the leaf of seq 10
                    case SEGMENT_INDEX -> 16 + 9; // the offset of its second position
                    default -> 30;
                };
                byte[] one = RawSegments.readAt(target, at, 1);
                RawSegments.writeAt(target, at, new byte[] {(byte) (one[0] ^ 0x40)});
            }
            case OLDER -> Files.copy(file(older, kind, indexedSegment), target, StandardCopyOption.REPLACE_EXISTING);
            case FROM_ANOTHER_JOURNAL -> Files.copy(file(another, kind, anotherIndexedSegment), target,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        return switch (kind) {
            // A missing seal is a journal that never sealed; an older one is still true of the prefix it covers.
            case SEAL -> fault == Fault.DELETED || fault == Fault.OLDER ? null : name;
            // The older nodes.bin lacks the second session's nodes, so the seal's root no longer matches.
            case NODES -> fault == Fault.BYTE_FLIPPED ? "seq 10" : Seal.FILE;
            // A closed segment never changes, so its older index is the same file.
            case SEGMENT_INDEX -> fault == Fault.DELETED || fault == Fault.OLDER ? null : name;
            case SCRUB_PROGRESS -> fault == Fault.DELETED || fault == Fault.OLDER ? null : name;
        };
    }

    private void assertRewritten(DerivedFileKind kind, Path target) throws Exception {
        switch (kind) {
            case SEAL -> {
                Seal seal = Seal.read(target, Seal.MAGIC);
                assertNotNull(seal);
                assertEquals(ENTRIES, seal.size());
                assertArrayEquals(root, seal.root());
            }
            case NODES -> {
                try (JournalStore store = JournalStore.open(options(directory))) {
                    assertEquals(0, store.verifiedOnOpen(), "the seal matches the rewritten tree");
                    for (long i = 0; i < ENTRIES; i++) {
                        assertArrayEquals(TreeHasher.forThisThread().leaf(EntryCodec.hashBytes(
                                written.get((int) i).hash())), store.merkle().leafHash(i), "leaf " + i);
                    }
                }
            }
            case SEGMENT_INDEX -> {
                long next = SegmentFiles.list(directory).higherKey(indexedSegment);
                long[] pairs = SegmentIndexFile.read(directory, indexedSegment, next);
                assertNotNull(pairs);
                Path segment = SegmentFiles.path(directory, indexedSegment);
                SegmentIndexFile.Scan scan = SegmentIndexFile.scan(segment, indexedSegment, Long.MAX_VALUE);
                assertArrayEquals(scan.pairs(), pairs);
                assertTrue(pairs.length > 2, "it holds an interval position");
            }
            case SCRUB_PROGRESS -> {
                Seal progress = Seal.read(target, Seal.SCRUB_MAGIC);
                assertNotNull(progress);
                assertEquals(ENTRIES, progress.size());
                assertArrayEquals(root, progress.root());
            }
        }
    }
}
