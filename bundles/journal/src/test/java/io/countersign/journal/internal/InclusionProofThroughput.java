package io.countersign.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmark, not a test (surefire does not pick it up): Merkle proofs generated per second on one thread, and what
 * adding a leaf costs the writer. Leaves go straight into a {@link MerkleTree}, not through journal appends.
 * <pre>
 * mvn -q -f bundles/journal/pom.xml test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp bundles/journal/target/classes:bundles/journal/target/test-classes:$(cat bundles/journal/target/cp.txt) \
 *     io.countersign.journal.internal.InclusionProofThroughput [seconds] [dir] [leaves]...
 * </pre>
 * Defaults: 5 s per measurement in a temporary directory, trees of 2^20 and 10,000,000 leaves. For each tree it
 * measures inclusion and consistency proofs at the full size (what clients ask of the newest checkpoint) and at
 * random sizes.
 */
public final class InclusionProofThroughput {

    private static final double WARMUP_SHARE = 0.2;

    private InclusionProofThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path parent = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        long[] sizes = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToLong(Long::parseLong).toArray()
                : new long[] {1L << 20, 10_000_000L};
        for (long leaves : sizes) {
            Path directory = Files.createTempDirectory(Files.createDirectories(parent), "merkle-bench");
            try (MerkleTree tree = MerkleTree.open(directory, NodeFile.DEFAULT_CHUNK_BYTES)) {
                tree.finishRecovery();
                build(tree, leaves);
                SplittableRandom random = new SplittableRandom(leaves);
                measure("inclusion, size = all", seconds, () -> {
                    long index = random.nextLong(leaves);
                    return tree.inclusionProof(index, leaves);
                });
                measure("inclusion, random size", seconds, () -> {
                    long size = 1 + random.nextLong(leaves);
                    return tree.inclusionProof(random.nextLong(size), size);
                });
                measure("consistency, to = all", seconds, () -> tree.consistencyProof(random.nextLong(leaves),
                        leaves));
                measure("consistency, random sizes", seconds, () -> {
                    long to = 1 + random.nextLong(leaves);
                    return tree.consistencyProof(random.nextLong(to), to);
                });
            } finally {
                delete(directory);
            }
        }
    }

    private static void build(MerkleTree tree, long leaves) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        ByteBuffer entryHash = ByteBuffer.allocate(TreeHasher.HASH_BYTES);
        long start = System.nanoTime();
        for (long leaf = 0; leaf < leaves; leaf++) {
            entryHash.clear();
            while (entryHash.hasRemaining()) {
                entryHash.putLong(random.nextLong());
            }
            tree.add(entryHash.array());
            // The writer publishes once per batch; a batch of 1024 is its default maximum.
            if (leaf % 1024 == 1023) {
                tree.publish();
            }
        }
        tree.publish();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "merkle %,11d leaves  built in %6.2f s: %.3f µs per leaf added%n", leaves,
                seconds, seconds * 1e6 / leaves);
    }

    private static void measure(String what, int seconds, ProofSource proofs) {
        long start = System.nanoTime();
        long measureFrom = start + (long) (seconds * WARMUP_SHARE * 1e9);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long count = 0;
        long nodes = 0;
        long firstMeasured = -1;
        long now;
        while ((now = System.nanoTime()) < end) {
            if (firstMeasured < 0 && now >= measureFrom) {
                firstMeasured = now;
                count = 0;
                nodes = 0;
            }
            for (int i = 0; i < 256; i++) {
                nodes += proofs.next().size();
                count++;
            }
        }
        double measured = (now - firstMeasured) / 1e9;
        System.out.printf(Locale.ROOT, "  %-26s %,10.0f proofs/s  (%.1f nodes per proof)%n", what, count / measured,
                nodes / (double) count);
    }

    @FunctionalInterface
    private interface ProofSource {
        List<byte[]> next();
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
