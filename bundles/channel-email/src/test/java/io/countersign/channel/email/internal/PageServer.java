package io.countersign.channel.email.internal;

import io.countersign.http.HttpRoute;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/** A Jetty server on 127.0.0.1 serving one route under its prefix, as Countersign's HTTP bundle does. */
final class PageServer implements AutoCloseable {

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final AtomicReference<HttpRoute> route = new AtomicReference<>();

    PageServer(String prefix) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                HttpRoute current = route.get();
                String path = Request.getPathInContext(request);
                return current != null && (path.equals(prefix) || path.startsWith(prefix + "/"))
                        && current.handle(request, response, callback);
            }
        });
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    void serve(HttpRoute handler) {
        route.set(handler);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
