package io.countersign.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Load over keep-alive connections from one selector thread. Open loop ({@link #run}), wrk2-style: requests are sent
 * at a fixed arrival rate and each latency is measured from the moment the request was <em>due</em>, not from when a
 * connection was free to send it, so queueing inside the server or the client is counted rather than hidden
 * (coordinated omission). Closed loop
 * ({@link #runClosed}), wrk-style: the maximum throughput, each connection sending again as soon as it is answered.
 */
final class OpenLoopLoad {

    record Result(double offeredPerSecond, long completed, long errors, double seconds, Histogram latencyNanos) {
        double throughput() {
            return completed / seconds;
        }
    }

    private static final class Connection {
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        ByteBuffer out;
        long dueNanos;
        boolean busy;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private final InetSocketAddress address;
    private final byte[] request;

    OpenLoopLoad(InetSocketAddress address, String path, String authorization, String jsonBody) {
        this.address = address;
        this.request = request(address, path, authorization, jsonBody);
    }

    private static byte[] request(InetSocketAddress address, String path, String authorization, String jsonBody) {
        byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nAuthorization: Bearer " + authorization + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /**
     * Closed loop, wrk-style: every connection sends its next request as soon as the answer to the last one is in,
     * so the server's maximum throughput is measured; each latency runs from the request's send.
     */
    Result runClosed(int connections, double warmupSeconds, double seconds) throws IOException {
        try (Selector selector = Selector.open()) {
            long measureFrom = System.nanoTime() + (long) (warmupSeconds * 1e9);
            long end = measureFrom + (long) (seconds * 1e9);
            List<Connection> all = open(selector, connections);
            for (Connection connection : all) {
                send(connection, selector, System.nanoTime());
            }
            Tally tally = new Tally(measureFrom, end);
            int busy = connections;
            while (busy > 0) {
                if (System.nanoTime() > end + 30_000_000_000L) {
                    tally.errors += busy;
                    break;
                }
                selector.select(10);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection connection = (Connection) key.attachment();
                    int status = service(key);
                    if (status != 0) {
                        long finished = tally.record(connection, status);
                        if (finished < end) {
                            send(connection, selector, finished);
                        } else {
                            connection.busy = false;
                            busy--;
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            close(all);
            return new Result(0, tally.completed, tally.errors, seconds, tally.histogram);
        }
    }

    Result run(double ratePerSecond, int connections, double warmupSeconds, double seconds) throws IOException {
        try (Selector selector = Selector.open()) {
            List<Connection> all = open(selector, connections);
            ArrayDeque<Connection> idle = new ArrayDeque<>(all);
            ArrayDeque<Long> due = new ArrayDeque<>();
            long period = (long) (1_000_000_000d / ratePerSecond);
            long start = System.nanoTime();
            long measureFrom = start + (long) (warmupSeconds * 1e9);
            long end = measureFrom + (long) (seconds * 1e9);
            // an answer that arrives after the end still counts: its request was due within the window
            Tally tally = new Tally(measureFrom, Long.MAX_VALUE);
            long next = start;
            while (true) {
                long now = System.nanoTime();
                while (next <= now && next < end) {
                    due.add(next);
                    next += period;
                }
                while (!due.isEmpty() && !idle.isEmpty()) {
                    send(idle.poll(), selector, due.poll());
                }
                if (next >= end && due.isEmpty() && idle.size() == all.size()) {
                    break;
                }
                if (System.nanoTime() > end + 30_000_000_000L) {
                    tally.errors += due.size() + (all.size() - idle.size());
                    break;
                }
                long waitNanos = Math.max(0, next - System.nanoTime());
                if (waitNanos > 1_000_000 || !due.isEmpty()) {
                    selector.select(Math.max(1, Math.min(waitNanos / 1_000_000, 10)));
                } else {
                    selector.selectNow();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection connection = (Connection) key.attachment();
                    int status = service(key);
                    if (status != 0) {
                        tally.record(connection, status);
                        connection.busy = false;
                        idle.add(connection);
                    }
                }
                selector.selectedKeys().clear();
            }
            close(all);
            return new Result(ratePerSecond, tally.completed, tally.errors, seconds, tally.histogram);
        }
    }

    /** What was answered: latencies of requests due (sent) from {@code measureFrom} on, answered by {@code until}. */
    private static final class Tally {
        final Histogram histogram = new Histogram(60_000_000_000L, 3);
        final long measureFrom;
        final long until;
        long completed;
        long errors;

        Tally(long measureFrom, long until) {
            this.measureFrom = measureFrom;
            this.until = until;
        }

        /** Counts the answer to {@code connection}'s request; returns when it finished. */
        long record(Connection connection, int status) {
            long finished = System.nanoTime();
            if (connection.dueNanos >= measureFrom && finished <= until) {
                completed++;
                histogram.recordValue(Math.min(finished - connection.dueNanos, histogram.getHighestTrackableValue()));
                if (status < 200 || status >= 300) {
                    errors++;
                }
            }
            return finished;
        }
    }

    private List<Connection> open(Selector selector, int connections) throws IOException {
        List<Connection> all = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            SocketChannel channel = SocketChannel.open(address);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            Connection connection = new Connection(channel);
            channel.register(selector, SelectionKey.OP_READ, connection);
            all.add(connection);
        }
        return all;
    }

    private static void close(List<Connection> all) throws IOException {
        for (Connection connection : all) {
            connection.channel.close();
        }
    }

    /** Sends the request on {@code connection}; its latency runs from {@code dueNanos}. */
    private void send(Connection connection, Selector selector, long dueNanos) throws IOException {
        connection.dueNanos = dueNanos;
        connection.busy = true;
        connection.out = ByteBuffer.wrap(request);
        connection.channel.write(connection.out);
        if (connection.out.hasRemaining()) {
            connection.channel.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    /** Finishes a write the socket could not take at once, then reads: a whole response's status, or 0. */
    private static int service(SelectionKey key) throws IOException {
        Connection connection = (Connection) key.attachment();
        if (key.isWritable()) {
            connection.channel.write(connection.out);
            if (!connection.out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }
        return key.isReadable() ? readResponse(connection) : 0;
    }

    /** Reads what has arrived; returns the status code once a whole response is in, else 0. */
    private static int readResponse(Connection connection) throws IOException {
        int read = connection.channel.read(connection.in);
        if (read < 0) {
            throw new IOException("the server closed a keep-alive connection");
        }
        ByteBuffer in = connection.in;
        int headerEnd = indexOf(in, "\r\n\r\n");
        if (headerEnd < 0) {
            return 0;
        }
        String head = new String(in.array(), 0, headerEnd, StandardCharsets.US_ASCII);
        int contentLength = 0;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
        int total = headerEnd + 4 + contentLength;
        if (in.position() < total) {
            return 0;
        }
        int status = Integer.parseInt(head.substring(9, 12));
        int extra = in.position() - total;
        System.arraycopy(in.array(), total, in.array(), 0, extra);
        in.position(extra);
        return status;
    }

    private static int indexOf(ByteBuffer buffer, String marker) {
        byte[] bytes = buffer.array();
        outer:
        for (int i = 0; i + marker.length() <= buffer.position(); i++) {
            for (int j = 0; j < marker.length(); j++) {
                if (bytes[i + j] != marker.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
