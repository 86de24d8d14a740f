package io.countersign.console.internal;

import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import io.countersign.http.Problem;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/** A Jetty server serving one route under its prefix, as Countersign's HTTP bundle does. */
final class JettyHost implements AutoCloseable {

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    JettyHost(int port) {
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
    }

    JettyHost serve(String prefix, HttpRoute route) throws Exception {
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = Request.getPathInContext(request);
                boolean under = path.equals(prefix) || path.startsWith(prefix + "/");
                if (under && route.handle(request, response, callback)) {
                    return true;
                }
                Exchanges.problem(response, callback, Problem.notFound(path));
                return true;
            }
        });
        server.start();
        return this;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
