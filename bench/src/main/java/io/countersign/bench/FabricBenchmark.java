package io.countersign.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.SigningKeys;
import io.countersign.audit.fabric.internal.AnchorCommit;
import io.countersign.audit.fabric.internal.AnchorOptions;
import io.countersign.audit.fabric.internal.Anchorer;
import io.countersign.journal.internal.FileJournal;
import io.countersign.ledger.internal.Checkpointer;
import io.countersign.signing.internal.KeyRing;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Anchoring the journal on the Raft dev network (issue 5): a real journal, checkpointer and Fabric anchorer in this
 * JVM, against a network started with {@code ledger-network/network.sh} on its own ports.
 * <ol>
 *     <li><b>Steady</b>: entries of ~350 bytes appended open loop at {@code --rate} per second for
 *     {@code --seconds}. Measured: entries anchored per second, Fabric transactions per second, and the latency from
 *     each entry's append to the commit of the block that anchors it (the anchorer hears of the commit from the
 *     peer's commit status).</li>
 *     <li><b>Outage</b>: the peer is stopped while entries keep coming at {@code --outage-rate} for
 *     {@code --outage-seconds}; it is started again and the time until the whole backlog is anchored gives the
 *     catch-up speed.</li>
 * </ol>
 * Writes bench/results/fabric-*.json. Usage: {@code FabricBenchmark [--rate 20000] [--seconds 60] [--warmup 10]
 * [--outage-rate 5000] [--outage-seconds 300] [--data DIR]}.
 */
public final class FabricBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("countersign.root", ".")).toAbsolutePath();

    private final Path data;
    private final Path network;
    private AtomicLongArray appendedAt;
    private final AtomicLong anchored = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private volatile Histogram latencies;

    private FabricBenchmark(Path data) {
        this.data = data;
        this.network = data.resolve("fabric");
    }

    public static void main(String[] args) throws Exception {
        int rate = intArg(args, "--rate", 20_000);
        int seconds = intArg(args, "--seconds", 60);
        int warmup = intArg(args, "--warmup", 10);
        int outageRate = intArg(args, "--outage-rate", 5_000);
        int outageSeconds = intArg(args, "--outage-seconds", 300);
        Path data = Path.of(stringArg(args, "--data", "bench/target/fabric-bench")).toAbsolutePath();
        new FabricBenchmark(data).run(rate, seconds, warmup, outageRate, outageSeconds);
    }

    private void run(int rate, int seconds, int warmup, int outageRate, int outageSeconds) throws Exception {
        networkScript("clean");
        networkScript("up");
        Path node = Files.createDirectories(data.resolve("node-" + UUID.randomUUID()));
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8,
                (long) rate * (seconds + warmup) + (long) outageRate * outageSeconds + 1_000_000);
        appendedAt = new AtomicLongArray(capacity);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        SigningKeys keys = keys(node);
        try (FileJournal journal = FileJournal.open(node.resolve("journal"), 64L << 20);
             Checkpointer checkpoints = Checkpointer.open(journal, keys, node.resolve("ledger"),
                     Duration.ofSeconds(1), 50_000);
             Anchorer anchorer = Anchorer.open(journal, checkpoints, keys, options(), this::committed)) {
            System.out.printf("warming up for %d s at %d entries/s%n", warmup, rate);
            latencies = histogram();
            load(journal, rate, warmup);
            awaitAnchored(journal, Duration.ofSeconds(60));

            System.out.printf("steady: %d s at %d entries/s%n", seconds, rate);
            latencies = histogram();
            long anchoredBefore = anchored.get();
            long transactionsBefore = transactions.get();
            long started = System.nanoTime();
            load(journal, rate, seconds);
            long appended = journal.size();
            awaitAnchored(journal, Duration.ofSeconds(60));
            double elapsed = (System.nanoTime() - started) / 1e9;
            Histogram steady = latencies;
            ObjectNode steadyResult = result.putObject("steady");
            steadyResult.put("offeredEntriesPerSecond", rate).put("seconds", seconds)
                    .put("entriesAnchored", anchored.get() - anchoredBefore)
                    .put("entriesAnchoredPerSecond", (anchored.get() - anchoredBefore) / elapsed)
                    .put("fabricTransactions", transactions.get() - transactionsBefore)
                    .put("fabricTransactionsPerSecond", (transactions.get() - transactionsBefore) / elapsed)
                    .put("journalSize", appended);
            latencyJson(steadyResult.putObject("appendToCommittedBlockMillis"), steady);
            System.out.println("steady: " + steadyResult.toPrettyString());

            if (outageSeconds > 0) {
                System.out.printf("outage: peer stopped for %d s at %d entries/s%n", outageSeconds, outageRate);
                latencies = histogram();
                long anchoredAtStop = anchored.get();
                networkScript("stop", "peer0.operator");
                load(journal, outageRate, outageSeconds);
                long backlog = journal.size() - anchoredAtStop;
                long restart = System.nanoTime();
                networkScript("start", "peer0.operator");
                awaitAnchored(journal, Duration.ofMinutes(10));
                double catchUp = (System.nanoTime() - restart) / 1e9;
                ObjectNode outage = result.putObject("outage");
                outage.put("seconds", outageSeconds).put("entriesPerSecond", outageRate).put("backlogEntries", backlog)
                        .put("catchUpSeconds", catchUp).put("catchUpEntriesPerSecond", backlog / catchUp);
                System.out.println("outage: " + outage.toPrettyString());
            }
        } finally {
            networkScript("down");
        }
        Path out = ROOT.resolve("bench/results/fabric-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.createDirectories(out.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
        System.out.println("results: " + out);
    }

    private SigningKeys keys(Path node) throws IOException {
        return KeyRing.open(node.resolve("keys"), "countersign.bench/" + node.getFileName());
    }

    private AnchorOptions options() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(network.resolve("io.countersign.audit.fabric.cfg"))) {
            properties.load(reader);
        }
        return AnchorOptions.fromProperties(properties);
    }

    private void committed(AnchorCommit commit) {
        long now = System.nanoTime();
        Histogram histogram = latencies;
        for (long seq = commit.from(); seq < commit.to(); seq++) {
            long at = seq < appendedAt.length() ? appendedAt.get((int) seq) : 0;
            if (at != 0) {
                histogram.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(now - at)));
            }
        }
        anchored.addAndGet(commit.to() - commit.from());
        transactions.incrementAndGet();
        anchoredTo = commit.to();
    }

    /** Appends open loop: every millisecond, the entries due by then; never waits for durability. */
    private void load(FileJournal journal, int rate, int seconds) throws InterruptedException {
        Semaphore inFlight = new Semaphore(200_000);
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        long sent = 0;
        while (sent < total) {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
            for (; sent < due; sent++) {
                inFlight.acquire();
                long at = System.nanoTime();
                journal.append("bench.entry", entry(sent)).whenComplete((entry, failure) -> {
                    inFlight.release();
                    if (entry != null && entry.seq() < appendedAt.length()) {
                        appendedAt.set((int) entry.seq(), at);
                    }
                });
            }
            LockSupport.parkNanos(1_000_000);
        }
        inFlight.acquire(200_000);
        inFlight.release(200_000);
    }

    private static ObjectNode entry(long n) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("request", "req-" + n).put("agent", "analytics-agent").put("action", "db.query")
                .put("resource", "analytics.events").put("environment", "staging")
                .put("digest", "sha256:" + "0123456789abcdef".repeat(4)).put("justification", "benchmark load");
        return data;
    }

    private void awaitAnchored(FileJournal journal, Duration timeout) throws InterruptedException {
        long target = journal.size();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (anchoredThrough() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + anchoredThrough() + " of " + target
                        + " entries anchored after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    private volatile long anchoredTo;

    private long anchoredThrough() {
        return anchoredTo;
    }

    private void networkScript(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("ledger-network/network.sh").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("FABRIC_NET_DIR", network.toString());
        builder.environment().put("FABRIC_PORT_BASE", "28050");
        Process process = builder.start();
        if (process.waitFor() != 0) {
            throw new IOException("network.sh " + String.join(" ", arguments) + " failed");
        }
    }

    private static Histogram histogram() {
        return new org.HdrHistogram.ConcurrentHistogram(TimeUnit.MINUTES.toMicros(30), 3);
    }

    private static void latencyJson(ObjectNode node, Histogram histogram) {
        node.put("count", histogram.getTotalCount())
                .put("p50", histogram.getValueAtPercentile(50) / 1000.0)
                .put("p99", histogram.getValueAtPercentile(99) / 1000.0)
                .put("p999", histogram.getValueAtPercentile(99.9) / 1000.0)
                .put("max", histogram.getMaxValue() / 1000.0);
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    static {
        Locale.setDefault(Locale.ROOT);
    }
}
