package io.countersign.intake.mcp.internal;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One upstream MCP server, reached with the SDK's client: connected at start and again after it fails (backing off
 * from one second to thirty), its tools listed after each connection and whenever it says they changed. While it is
 * down its tools stay listed, and calls to them are refused with a tool error before anything is requested.
 */
final class Upstream {

    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final UpstreamSpec spec;
    private final McpJsonMapper json;
    private final JsonSchemaValidator validator;
    private final Duration timeout;
    private final ScheduledExecutorService timers;
    private final BiConsumer<Upstream, List<McpSchema.Tool>> onTools;
    private volatile McpAsyncClient client;
    private volatile boolean up;
    private volatile boolean closed;
    private Duration retry = FIRST_RETRY;
    private long connection;

    Upstream(UpstreamSpec spec, McpJsonMapper json, JsonSchemaValidator validator, Duration timeout,
             ScheduledExecutorService timers, BiConsumer<Upstream, List<McpSchema.Tool>> onTools) {
        this.spec = spec;
        this.json = json;
        this.validator = validator;
        this.timeout = timeout;
        this.timers = timers;
        this.onTools = onTools;
    }

    String name() {
        return spec.name();
    }

    boolean isUp() {
        return up && !closed;
    }

    synchronized void connect() {
        if (closed) {
            return;
        }
        long attempt = ++connection;
        McpClientTransport transport = spec.isStdio() ? stdio() : http();
        McpAsyncClient next = McpClient.async(transport)
                .clientInfo(new McpSchema.Implementation("countersign-mcp-gateway", "1"))
                .requestTimeout(timeout)
                .initializationTimeout(timeout)
                .jsonSchemaValidator(validator)
                .toolsChangeConsumer(tools -> {
                    onTools.accept(this, tools);
                    return Mono.empty();
                })
                .build();
        client = next;
        next.initialize().then(listTools(next, null, new ArrayList<>())).subscribe(tools -> {
            synchronized (this) {
                if (attempt != connection || closed) {
                    return;
                }
                up = true;
                retry = FIRST_RETRY;
            }
            if (transport instanceof StdioClientTransport process) {
                watch(process, attempt);
            }
            LOG.info("MCP upstream {} connected: {} tools", spec.name(), tools.size());
            onTools.accept(this, tools);
        }, failure -> failed(attempt, failure));
    }

    private static Mono<List<McpSchema.Tool>> listTools(McpAsyncClient client, String cursor,
                                                        List<McpSchema.Tool> into) {
        return client.listTools(cursor).flatMap(page -> {
            into.addAll(page.tools());
            return page.nextCursor() == null || page.nextCursor().isEmpty() ? Mono.just(into)
                    : listTools(client, page.nextCursor(), into);
        });
    }

    private McpClientTransport stdio() {
        ServerParameters parameters = ServerParameters.builder(spec.command().get(0))
                .args(spec.command().subList(1, spec.command().size())).build();
        StdioClientTransport transport = new StdioClientTransport(parameters, json);
        transport.setStdErrorHandler(line -> LOG.debug("upstream {}: {}", spec.name(), line));
        return transport;
    }

    /** Once the process runs: when it ends, the upstream is down. */
    private void watch(StdioClientTransport transport, long attempt) {
        Thread watcher = new Thread(() -> {
            try {
                transport.awaitForExit();
            } catch (RuntimeException e) {
                LOG.debug("upstream {} watcher", spec.name(), e);
            }
            failed(attempt, new IllegalStateException("the process ended"));
        }, "mcp-upstream-" + spec.name());
        watcher.setDaemon(true);
        watcher.start();
    }

    private McpClientTransport http() {
        String path = spec.url().getRawPath();
        String base = spec.url().getScheme() + "://" + spec.url().getRawAuthority();
        return HttpClientStreamableHttpTransport.builder(base)
                .endpoint(path == null || path.isEmpty() ? "/mcp" : path)
                .jsonMapper(json)
                .openConnectionOnStartup(false)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Calls a tool upstream. After a failure that is not an MCP error (the process ended, a connection failed) the
     * upstream is pinged, and marked down (and reconnected) only if the ping fails too: one connection that times
     * out under load does not take every tool of a working upstream away.
     */
    Mono<McpSchema.CallToolResult> call(McpSchema.CallToolRequest request) {
        McpAsyncClient current = client;
        if (current == null || !isUp()) {
            return Mono.error(new IllegalStateException("upstream " + spec.name() + " is not connected"));
        }
        return current.callTool(request).timeout(timeout).doOnError(failure -> {
            if (!(failure instanceof McpError)) {
                ping().subscribe();
            }
        });
    }

    /** Whether the upstream answers a ping now; marks it down when it does not. */
    Mono<Boolean> ping() {
        McpAsyncClient current = client;
        if (current == null || !isUp()) {
            return Mono.just(false);
        }
        long attempt = connection;
        return current.ping().timeout(Duration.ofSeconds(5)).map(ignored -> true).onErrorResume(failure -> {
            failed(attempt, failure);
            return Mono.just(false);
        });
    }

    private void failed(long attempt, Throwable failure) {
        McpAsyncClient stale;
        Duration wait;
        synchronized (this) {
            if (attempt != connection || closed) {
                return;
            }
            up = false;
            connection++;
            stale = client;
            client = null;
            wait = retry;
            retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
        }
        // its tools stay listed: a call meanwhile gets a tool error that says the upstream is down
        LOG.warn("MCP upstream {} unavailable ({}); trying again in {} s", spec.name(), failure.toString(),
                wait.toSeconds());
        if (stale != null) {
            stale.closeGracefully().onErrorResume(e -> Mono.empty()).subscribe();
        }
        timers.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    void close() {
        McpAsyncClient current;
        synchronized (this) {
            closed = true;
            up = false;
            current = client;
            client = null;
        }
        if (current != null) {
            try {
                current.closeGracefully().block(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                current.close();
            }
        }
    }
}
