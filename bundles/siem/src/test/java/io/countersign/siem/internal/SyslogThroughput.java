package io.countersign.siem.internal;

import io.countersign.api.JournalEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Measures a sink's events/s to a real syslog receiver over TLS (not a unit test: run by hand, see docs/siem.md
 * "Throughput"). Arguments: host:port, CA PEM, client PKCS#12, its password, the receiver's output file, format,
 * number of events, batch size.
 */
public final class SyslogThroughput {

    private SyslogThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String[] target = args[0].split(":");
        Path received = Path.of(args[4]);
        String formatName = args[5];
        int count = Integer.parseInt(args[6]);
        int batch = Integer.parseInt(args[7]);
        MemoryJournal journal = new MemoryJournal();
        // realistic entries: the sample of every type, cycled, re-chained
        List<JournalEntry> samples = Samples.all();
        journal.addFrom(samples, count);
        Path state = Files.createTempDirectory("siem-throughput");
        SyslogTlsTransport transport = new SyslogTlsTransport(target[0], Integer.parseInt(target[1]),
                Tls.context(args[1], args[2], args[3].toCharArray()), new Syslog5424(13, "bench", "countersign"),
                0, 10_000, System::nanoTime);
        EventFormat format = EventFormat.named(formatName, "bench/log");
        long bytes = 0;
        for (int i = 0; i < Math.min(count, samples.size()); i++) {
            bytes += format.format(samples.get(i)).length();
        }
        LineCounter lines = new LineCounter(received);
        long before = lines.count();
        SinkRunner runner = new SinkRunner("bench", journal, format, transport, "syslog",
                new Cursor(state.resolve("bench.cursor")), new SinkRunner.Settings(batch, 1, 100, 1000, 1000),
                Clock.systemUTC());
        runner.open();
        long start = System.nanoTime();
        while (runner.status().sent() < count) {
            runner.step();
        }
        long sent = System.nanoTime();
        while (lines.count() - before < count) {
            Thread.sleep(20);
        }
        long end = System.nanoTime();
        transport.close();
        System.out.printf("%s, %d events, batch %d, mean event %d bytes: written in %.2f s (%.0f/s), "
                        + "all in the receiver's file after %.2f s (%.0f events/s)%n", formatName, count, batch,
                bytes / Math.min(count, samples.size()), (sent - start) / 1e9, count / ((sent - start) / 1e9),
                (end - start) / 1e9, count / ((end - start) / 1e9));
    }

    /**
     * Counts the receiver's lines reading only what was appended since the last call: re-reading a file of hundreds
     * of MB every few milliseconds took a core from the sink and the receiver it measures.
     */
    static final class LineCounter {
        private final Path file;
        private final byte[] buffer = new byte[1 << 20];
        private long offset;
        private long lines;

        LineCounter(Path file) {
            this.file = file;
        }

        long count() throws java.io.IOException {
            if (!Files.exists(file)) {
                return lines;
            }
            try (var in = java.nio.channels.FileChannel.open(file)) {
                in.position(offset);
                var wrapped = java.nio.ByteBuffer.wrap(buffer);
                int read;
                while ((read = in.read(wrapped.clear())) > 0) {
                    offset += read;
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                }
            }
            return lines;
        }
    }
}
