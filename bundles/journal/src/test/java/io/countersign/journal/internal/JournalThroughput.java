package io.countersign.journal.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Benchmark, not a test (surefire does not pick it up): appends/s and append→durable latency.
 * <p>
 * {@code closed N}: N threads each append and wait for durability, in a loop. {@code open R}: one pacer offers R
 * appends/s and latency is measured from each append's intended start (coordinated-omission corrected).
 * <pre>
 * mvn -q -f bundles/journal/pom.xml test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp bundles/journal/target/classes:bundles/journal/target/test-classes:$(cat bundles/journal/target/cp.txt) \
 *     io.countersign.journal.internal.JournalThroughput [seconds] [dir] [mode value]...
 * </pre>
 * Failed appends (a full queue) count as infinitely slow. Defaults: 10 s per run in a temporary directory, runs
 * {@code closed 8 closed 64 open 20000 open 50000}; {@code -DsegmentBytes=} overrides the 64 MiB segments.
 */
public final class JournalThroughput {

    private static final double WARMUP_SHARE = 0.2;

    private JournalThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path parent = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        String[] runs = args.length > 2 ? Arrays.copyOfRange(args, 2, args.length)
                : new String[] {"closed", "8", "closed", "64", "open", "20000", "open", "50000"};
        List<Path> directories = new ArrayList<>();
        try {
            for (int i = 0; i + 1 < runs.length; i += 2) {
                Path directory = Files.createTempDirectory(Files.createDirectories(parent), "journal-bench");
                directories.add(directory);
                JournalOptions options = JournalOptions.defaults(directory)
                        .withSegmentBytes(Long.getLong("segmentBytes", JournalOptions.DEFAULT_SEGMENT_BYTES));
                try (JournalStore store = JournalStore.open(options)) {
                    int value = Integer.parseInt(runs[i + 1]);
                    Result result = runs[i].equals("open") ? open(store, value, seconds) : closed(store, value, seconds);
                    System.out.println(result.describe(runs[i] + " " + value, seconds));
                }
            }
        } finally {
            // Deleting between runs would let the file system's discards disturb the next run's fsyncs.
            for (Path directory : directories) {
                delete(directory);
            }
        }
    }

    private static Result closed(JournalStore store, int threads, int seconds) throws Exception {
        long start = System.nanoTime();
        long measureFrom = start + (long) (seconds * WARMUP_SHARE * 1e9);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long[][] samples = new long[threads][];
        int[] counts = new int[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                for (long i = 0; ; i++) {
                    long before = System.nanoTime();
                    if (before >= end) {
                        break;
                    }
                    store.append("request.received", payload(id, i)).join();
                    if (before >= measureFrom) {
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = System.nanoTime() - before;
                    }
                }
                samples[id] = mine;
                counts[id] = n;
            });
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        for (int t = 0, at = 0; t < threads; t++) {
            System.arraycopy(samples[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        return new Result(all, (end - measureFrom) / 1e9);
    }

    private static Result open(JournalStore store, int rate, int seconds) throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        int count = rate * seconds;
        int warmup = (int) (count * WARMUP_SHARE);
        long[] latencies = new long[count];
        CountDownLatch done = new CountDownLatch(count);
        long start = System.nanoTime();
        // Wake every 100 µs and offer whatever is due: spinning would steal one of the two cores from the writer.
        for (int i = 0; i < count; ) {
            long now = System.nanoTime();
            for (; i < count && start + i * interval <= now; i++) {
                long intended = start + i * interval;
                int index = i;
                store.append("request.received", payload(0, i)).whenComplete((entry, failure) -> {
                    latencies[index] = failure == null ? System.nanoTime() - intended : Long.MAX_VALUE;
                    done.countDown();
                });
            }
            LockSupport.parkNanos(100_000);
        }
        done.await();
        return new Result(Arrays.copyOfRange(latencies, warmup, count), (count - warmup) / (double) rate);
    }

    private static ObjectNode payload(long thread, long i) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("request", "req-" + thread + "-" + i);
        data.put("agent", "agent:deploy-bot");
        data.put("onBehalfOf", "alice@example.com");
        data.put("action", "db.migrate");
        data.put("resource", "postgres://prod/orders");
        data.put("digest", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        data.putObject("parameters").put("version", 42L).put("dryRun", false);
        return data;
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private record Result(long[] latencies, double seconds) {

        String describe(String run, int totalSeconds) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "journal %-12s %7.0f appends/s  append->durable p50 %6.3f ms"
                            + "  p99 %6.3f ms  p99.9 %6.3f ms  max %7.3f ms  (%d samples, %d s run)",
                    run, sorted.length / seconds, ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 0.999),
                    sorted[sorted.length - 1] / 1e6, sorted.length, totalSeconds);
        }

        private static double ms(long[] sorted, double quantile) {
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
        }
    }
}
