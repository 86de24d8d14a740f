package io.countersign.channel.teams.internal;

import io.countersign.http.HttpRoute;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/** A Jetty server on a free local port that serves one route, as Countersign's HTTP bundle would. */
final class MessagesEndpoint implements AutoCloseable {

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    MessagesEndpoint(HttpRoute route) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return route.handle(request, response, callback);
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + connector.getLocalPort() + path;
    }

    String messagesUrl() {
        return url(TeamsMessagesRoute.PATH);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
