package io.countersign.verify;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Benchmark, not a test: builds range bundles of about a million entries, times the verifier end to end in
 * this JVM (reading the ZIP, hashing, canonical check, parsing, chain, §6 rules; the first run includes JIT
 * warm-up), then times inclusion-proof verification on one thread.
 * Run from the repository root:
 *
 * <pre>
 * mvn -q -f tools/verify/pom.xml test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp
 * java -cp tools/verify/target/test-classes:tools/verify/target/classes:$(cat tools/verify/target/test.cp) \
 *      io.countersign.verify.VerifyThroughput [entries, default 1000000] [directory to keep the bundles in]
 * </pre>
 *
 * With a directory, the bundles stay there, so that a cold run of the command line can be timed too:
 * {@code time java -jar tools/verify/target/countersign-verify.jar DIR/NO_GRANTS.zip} (and {@code DIR/CHAINS.zip};
 * build the jar first with {@code mvn -q -f tools/verify/pom.xml install}).
 */
public final class VerifyThroughput {
    private static final int RUNS = 3;
    private static final int PROOF_TREE_HEIGHT = 20;
    private static final int PROOFS = 200_000;

    private VerifyThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        boolean keep = args.length > 1;
        Path dir = keep ? Files.createDirectories(Path.of(args[1])) : Files.createTempDirectory("verify-throughput");
        try {
            System.out.printf("%d cores, max heap %d MiB%n", Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20);
            timeVerifier(dir, entries, Mix.NO_GRANTS);
            timeVerifier(dir, entries, Mix.CHAINS);
            timeInclusionProofs();
        } finally {
            if (!keep) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    /** What the log is made of. */
    private enum Mix {
        /** Denied requests only: received, decided, review, closed; no grant to verify. */
        NO_GRANTS,
        /** Reviewed, allowed and denied requests interleaved: one grant (issued, consumed, executed) per ~7 entries. */
        CHAINS
    }

    private static void timeVerifier(Path dir, int entries, Mix mix) throws Exception {
        long buildStart = System.nanoTime();
        Path lines = dir.resolve(mix + ".jsonl");
        EvidenceFixture fixture;
        Instant first;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(lines), 1 << 20)) {
            fixture = new EvidenceFixture(out);
            first = fixture.log.nextTime();
            for (int round = 0; fixture.log.size() < entries; round++) {
                if (mix == Mix.CHAINS) {
                    fixture.append(fixture.reviewedRequest("r" + round + "-a"), fixture.allowedRequest("r" + round + "-b"),
                            fixture.deniedRequest("r" + round + "-c"), fixture.allowedRequest("r" + round + "-d"));
                } else {
                    fixture.append(fixture.deniedRequest("r" + round + "-a"), fixture.deniedRequest("r" + round + "-b"));
                }
            }
            fixture.checkpoint();
        }
        long entryBytes = Files.size(lines);
        Path bundle = Files.move(fixture.wholeLogBundle(lines, first).write(dir), dir.resolve(mix + ".zip"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.delete(lines);
        long size = fixture.log.size();
        System.out.printf("%n%s: %,d entries, %,d bytes of entries (%d bytes/entry), zip %,d bytes, built in %.1f s%n",
                mix, size, entryBytes, entryBytes / size, Files.size(bundle), (System.nanoTime() - buildStart) / 1e9);
        for (int run = 1; run <= RUNS; run++) {
            long start = System.nanoTime();
            int exit = Main.run(new String[] {bundle.toString()}, new PrintStream(OutputStream.nullOutputStream()), System.err);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  run %d: exit %d, %.2f s, %,.0f entries/s%n", run, exit, seconds, size / seconds);
            if (exit != 0) {
                Main.run(new String[] {bundle.toString()}, System.out, System.err);
                throw new IllegalStateException("the benchmark bundle must verify");
            }
        }
    }

    /** Inclusion proofs in a perfect tree of 2^20 leaves (20 nodes each, as in a tree of a million entries). */
    private static void timeInclusionProofs() {
        int leaves = 1 << PROOF_TREE_HEIGHT;
        List<byte[]> levels = new ArrayList<>();
        byte[] level = new byte[leaves * 32];
        MessageDigest sha = Digests.newSha256();
        for (int i = 0; i < leaves; i++) {
            sha.update((byte) 0);
            sha.update(entryHash(i));
            System.arraycopy(sha.digest(), 0, level, i * 32, 32);
        }
        levels.add(level);
        while (level.length > 32) {
            byte[] up = new byte[level.length / 2];
            for (int i = 0; i < up.length / 32; i++) {
                sha.update((byte) 1);
                sha.update(level, 2 * i * 32, 64);
                System.arraycopy(sha.digest(), 0, up, i * 32, 32);
            }
            levels.add(up);
            level = up;
        }
        byte[] root = level;
        SplittableRandom random = new SplittableRandom(1);
        int[] indexes = new int[PROOFS];
        List<List<byte[]>> paths = new ArrayList<>(PROOFS);
        List<byte[]> leafHashes = new ArrayList<>(PROOFS);
        for (int p = 0; p < PROOFS; p++) {
            int leaf = random.nextInt(leaves);
            indexes[p] = leaf;
            List<byte[]> path = new ArrayList<>(PROOF_TREE_HEIGHT);
            for (int h = 0; h < PROOF_TREE_HEIGHT; h++) {
                int sibling = (leaf >> h) ^ 1;
                byte[] node = new byte[32];
                System.arraycopy(levels.get(h), sibling * 32, node, 0, 32);
                path.add(node);
            }
            paths.add(path);
            byte[] leafHash = new byte[32];
            System.arraycopy(levels.get(0), leaf * 32, leafHash, 0, 32);
            leafHashes.add(leafHash);
        }
        MerkleVerifier merkle = new MerkleVerifier();
        System.out.printf("%ninclusion proofs, tree of %,d leaves, one thread:%n", leaves);
        for (int run = 1; run <= RUNS; run++) {
            long start = System.nanoTime();
            for (int p = 0; p < PROOFS; p++) {
                String problem = merkle.inclusionProblem(indexes[p], leaves, leafHashes.get(p), paths.get(p), root);
                if (problem != null) {
                    throw new IllegalStateException(problem);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  run %d: %,d proofs in %.2f s, %,.0f proofs/s%n", run, PROOFS, seconds, PROOFS / seconds);
        }
    }

    private static byte[] entryHash(int i) {
        return TestMerkleTree.hash(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)});
    }
}
