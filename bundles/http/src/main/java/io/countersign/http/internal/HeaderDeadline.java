package io.countersign.http.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection that has not delivered a request's headers within a bound, counted from when it opened or its
 * previous answer completed. The idle timeout alone cannot do this: a client trickling one header line every few
 * seconds (slowloris) resets it forever.
 * <p>
 * Add it to the connector (a {@link Connection.Listener}, so it arms on every new connection) and put the handler
 * from {@link #around} first, so that a request whose headers are complete disarms it.
 */
final class HeaderDeadline implements Connection.Listener {

    private final Scheduler scheduler;
    private final long timeoutMillis;
    private final Map<Connection, Scheduler.Task> armed = new ConcurrentHashMap<>();

    HeaderDeadline(Scheduler scheduler, long timeoutMillis) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("the request header timeout must be positive, not " + timeoutMillis);
        }
        this.scheduler = scheduler;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void onOpened(Connection connection) {
        arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
        disarm(connection);
    }

    /** A handler that disarms the deadline while a request is handled and arms it again for the next one. */
    Handler around(Handler next) {
        return new Handler.Wrapper(next) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Connection connection = request.getConnectionMetaData().getConnection();
                disarm(connection);
                Request.addCompletionListener(request, failure -> {
                    if (connection.getEndPoint().isOpen()) {
                        arm(connection);
                    }
                });
                return super.handle(request, response, callback);
            }
        };
    }

    private void arm(Connection connection) {
        Scheduler.Task task = scheduler.schedule(() -> expire(connection), timeoutMillis, TimeUnit.MILLISECONDS);
        Scheduler.Task previous = armed.put(connection, task);
        if (previous != null) {
            previous.cancel();
        }
    }

    private void disarm(Connection connection) {
        Scheduler.Task task = armed.remove(connection);
        if (task != null) {
            task.cancel();
        }
    }

    private void expire(Connection connection) {
        armed.remove(connection);
        connection.getEndPoint().close();
    }
}
