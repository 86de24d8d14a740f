package io.countersign.intake.rest.internal;

import io.countersign.http.HttpRoute;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * Routes behind an in-memory Jetty connector, dispatched by longest prefix as the server does. What no route takes is
 * answered 404 with {@link #UNROUTED}, and what a route throws 500 with {@link #THREW}, so a probe can tell a route's
 * own answers from the server's.
 */
final class RouteHarness implements AutoCloseable {

    static final String UNROUTED = "X-Harness-Unrouted";
    static final String THREW = "X-Harness-Threw";

    private final Server server = new Server();
    private final LocalConnector connector = new LocalConnector(server);

    RouteHarness(Map<String, HttpRoute> routes) throws Exception {
        Map<String, HttpRoute> byLength = new LinkedHashMap<>();
        routes.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, HttpRoute> e) ->
                e.getKey().length()).reversed()).forEach(e -> byLength.put(e.getKey(), e.getValue()));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                for (Map.Entry<String, HttpRoute> route : byLength.entrySet()) {
                    String prefix = route.getKey();
                    if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                        try {
                            if (route.getValue().handle(request, response, callback)) {
                                return true;
                            }
                        } catch (Exception | LinkageError e) {
                            response.setStatus(500);
                            response.getHeaders().put(THREW, e.toString());
                            callback.succeeded();
                            return true;
                        }
                        break;
                    }
                }
                response.setStatus(404);
                response.getHeaders().put(UNROUTED, "true");
                callback.succeeded();
                return true;
            }
        });
        server.start();
    }

    HttpTester.Response send(String method, String path, String... headers) throws Exception {
        StringBuilder request = new StringBuilder(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: test\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            request.append("Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        } else {
            request.append("\r\n");
        }
        return HttpTester.parseResponse(connector.getResponse(request.toString()));
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
