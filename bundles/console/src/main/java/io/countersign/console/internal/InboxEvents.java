package io.countersign.console.internal;

import io.countersign.api.RequestListener;
import io.countersign.api.RequestView;
import io.countersign.api.Reviewer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The open inboxes' Server-Sent Event streams. A change to a request is sent as {@code event: changed} to every
 * stream whose reviewer may review it (any eligible group), or could before (so a decided request leaves the list).
 * Streams get a comment every 15 s, so idle timeouts and proxies keep them open, and a dead one is found and dropped.
 */
final class InboxEvents implements RequestListener, AutoCloseable {

    static final int MAX_STREAMS = 2_000;

    /** One browser's stream: writes go out one at a time, as Jetty requires. */
    final class Stream {
        private final String reviewer;
        private final Response response;
        private final Callback done;
        private final Queue<String> waiting = new ArrayDeque<>();
        private boolean writing;
        private boolean closed;

        Stream(String reviewer, Response response, Callback done) {
            this.reviewer = reviewer;
            this.response = response;
            this.done = done;
        }

        void send(String text) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (writing) {
                    if (waiting.size() < 64) {
                        waiting.add(text);
                    }
                    return;
                }
                writing = true;
            }
            write(text);
        }

        private void write(String text) {
            response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), new Callback() {
                @Override
                public void succeeded() {
                    String next;
                    synchronized (Stream.this) {
                        next = waiting.poll();
                        if (next == null) {
                            writing = false;
                            return;
                        }
                    }
                    write(next);
                }

                @Override
                public void failed(Throwable failure) {
                    close();
                }
            });
        }

        void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            streams.remove(this);
            done.succeeded();
        }
    }

    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final Function<String, java.util.Optional<Reviewer>> reviewers;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "countersign-console-events");
        thread.setDaemon(true);
        return thread;
    });

    InboxEvents(Function<String, java.util.Optional<Reviewer>> reviewers) {
        this.reviewers = reviewers;
        heartbeat.scheduleAtFixedRate(() -> streams.forEach(stream -> stream.send(": keep-alive\n\n")), 15, 15,
                TimeUnit.SECONDS);
    }

    /** Starts a stream: headers now, events as they come; false when there are too many open. */
    boolean open(String reviewer, Response response, Callback done) {
        if (streams.size() >= MAX_STREAMS) {
            return false;
        }
        Stream stream = new Stream(reviewer, response, done);
        streams.add(stream);
        stream.send("retry: 3000\n: open\n\n");
        return true;
    }

    int size() {
        return streams.size();
    }

    @Override
    public void changed(RequestView view) {
        if (streams.isEmpty() || view.decision().route() == null) {
            return;
        }
        java.util.List<String> groups = view.decision().route().groupsAt(Integer.MAX_VALUE);
        String event = "event: changed\ndata: " + view.id() + "\n\n";
        for (Stream stream : streams) {
            boolean concerned = reviewers.apply(stream.reviewer).map(reviewer -> reviewer.groups().stream()
                    .anyMatch(groups::contains)).orElse(false);
            if (concerned) {
                stream.send(event);
            }
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        streams.forEach(Stream::close);
    }
}
