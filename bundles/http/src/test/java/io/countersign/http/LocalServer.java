package io.countersign.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A Jetty server on 127.0.0.1 and a free port with one handler, for tests that talk HTTP to it. */
public final class LocalServer implements AutoCloseable {

    private final Server server;
    private final int port;

    private LocalServer(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    public static LocalServer start(Handler handler) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        return new LocalServer(server, connector.getLocalPort());
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
