package io.countersign.core.internal;

import io.countersign.core.internal.RequestIndex.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Benchmark, not a test (surefire does not pick it up): records added per second, and lookups per second of
 * closed requests' entries once they are in runs.
 * <pre>
 * java -cp bundles/core/target/classes:bundles/core/target/test-classes:$(cat cp.txt) \
 *     io.countersign.core.internal.RequestIndexThroughput [entries, default 10,000,000] [reader threads, default 8]
 * </pre>
 * Entry s is ENTRY of request "r" + s / 10, as if each request had 10 entries.
 */
public final class RequestIndexThroughput {

    public static void main(String[] args) throws Exception {
        long entries = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000;
        int readers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path directory = Files.createTempDirectory("request-index-throughput");
        try (RequestIndex index = RequestIndex.open(directory, new FakeMerkleLog(entries), entries)) {
            long start = System.nanoTime();
            for (long seq = 0; seq < entries; seq++) {
                index.add(Kind.ENTRY, "r" + seq / 10, seq);
            }
            index.advanceTo(entries);
            index.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("added %,d records in %.1f s: %,.0f/s; runs %s%n", entries, seconds, entries / seconds,
                index.runs());

            long lookups = 200_000;
            Thread[] threads = new Thread[readers];
            start = System.nanoTime();
            for (int t = 0; t < readers; t++) {
                threads[t] = new Thread(() -> {
                    for (long i = 0; i < lookups; i++) {
                        long request = ThreadLocalRandom.current().nextLong(entries / 10);
                        if (index.seqs(Kind.ENTRY, "r" + request).length != 10) {
                            throw new AssertionError("r" + request);
                        }
                    }
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%,d lookups on %d threads in %.1f s: %,.0f/s%n", lookups * readers, readers, seconds,
                lookups * readers / seconds);
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
