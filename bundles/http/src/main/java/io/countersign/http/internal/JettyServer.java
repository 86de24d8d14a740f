package io.countersign.http.internal;

import io.countersign.http.HealthSource;
import io.countersign.http.HttpRoute;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the one Jetty server and serves whatever routes are registered, as they come and go. */
@Component(service = {}, configurationPid = "io.countersign.http", configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
@Designate(ocd = JettyServer.Config.class)
public final class JettyServer {

    @ObjectClassDefinition(name = "Countersign HTTP server")
    @interface Config {
        @AttributeDefinition(description = "Address to listen on")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "Port to listen on (0 picks a free one)")
        int port() default 8181;

        @AttributeDefinition(description = "Largest number of request threads")
        int maxThreads() default 64;

        @AttributeDefinition(description = "Idle connection timeout in milliseconds")
        long idleTimeoutMillis() default 30_000;

        @AttributeDefinition(description = "Longest time in milliseconds a connection may take to deliver a"
                + " request's headers, counted from its opening or its previous answer; it is closed after that")
        long requestHeaderTimeoutMillis() default 15_000;
    }

    /** How the server listens, from {@link Config}. */
    record Settings(String host, int port, int maxThreads, long idleTimeoutMillis, long requestHeaderTimeoutMillis) {
        static Settings of(Config config) {
            return new Settings(config.host(), config.port(), config.maxThreads(), config.idleTimeoutMillis(),
                    config.requestHeaderTimeoutMillis());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(JettyServer.class);

    private final RouteTable routes = new RouteTable();
    private Server server;

    /** What the health endpoints report; until one is registered they answer 503 {@code starting}. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HealthSource health;

    @Activate
    void activate(Config config) throws Exception {
        server = newServer(Settings.of(config), new Dispatcher(routes, () -> health));
        server.start();
        LOG.info("Countersign HTTP listening on http://{}:{}", config.host(), localPort(server));
    }

    /** The server, not started: one connector, problem+json for Jetty's own errors, a bound on header time. */
    static Server newServer(Settings settings, Handler dispatcher) {
        QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads(), Math.min(8, settings.maxThreads()));
        threads.setName("countersign-http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeoutMillis());
        HeaderDeadline headerDeadline = new HeaderDeadline(server.getScheduler(),
                settings.requestHeaderTimeoutMillis());
        connector.addEventListener(headerDeadline);
        server.addConnector(connector);
        server.setHandler(headerDeadline.around(dispatcher));
        server.setErrorHandler(new ProblemErrorHandler());
        server.setStopTimeout(5_000);
        return server;
    }

    static int localPort(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Deactivate
    void deactivate() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRoute(HttpRoute route, Map<String, Object> properties) {
        String prefix = String.valueOf(properties.get(HttpRoute.PREFIX));
        routes.add(prefix, route);
        LOG.info("serving {}", RouteTable.normalize(prefix));
    }

    void removeRoute(HttpRoute route) {
        routes.remove(route);
    }
}
