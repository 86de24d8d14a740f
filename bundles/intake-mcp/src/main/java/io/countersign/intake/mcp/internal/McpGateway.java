package io.countersign.intake.mcp.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.ApprovalService;
import io.countersign.api.Directory;
import io.countersign.api.SecurityEvents;
import io.countersign.http.HttpRoute;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
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

/**
 * The MCP gateway at {@code /mcp}: an MCP server (Streamable HTTP) whose tools are those of the configured upstream
 * MCP servers, and whose every tool call is an action Countersign decides before it runs ({@link ToolCalls}).
 * Agents authenticate with their agent key, as on the REST API.
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=/mcp",
        configurationPid = "io.countersign.intake.mcp", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = McpGateway.Config.class)
public final class McpGateway implements HttpRoute {

    @ObjectClassDefinition(name = "Countersign MCP gateway",
            description = "Upstreams are 'upstream.<name> = stdio:<command line>' or 'upstream.<name> = <http(s) URL>';"
                    + " each mapped tool has 'tool.<tool>.action' and optionally '.resource', '.environment',"
                    + " '.parameters' (comma-separated argument names, or *) and '.justification', each fixed text or"
                    + " 'arg:<argument>'")
    public @interface Config {
        @AttributeDefinition(description = "Calls of tools no mapping names: deny, or allow-read-only (forwarded"
                + " when the upstream declares the tool readOnlyHint=true)")
        String unmappedTools() default "deny";

        @AttributeDefinition(description = "The environment of a mapped tool's actions unless its mapping names one")
        String environment() default "production";

        @AttributeDefinition(description = "How long a call waits for reviewers before it returns a tool error"
                + " (a retried identical call waits on)")
        int reviewWaitSeconds() default 300;

        @AttributeDefinition(description = "How often a waiting call reports progress")
        int progressIntervalSeconds() default 5;

        @AttributeDefinition(description = "How long an upstream may take to answer")
        int upstreamTimeoutSeconds() default 60;

        @AttributeDefinition(description = "Largest accepted JSON-RPC message in bytes")
        int maxBodyBytes() default 4 << 20;
    }

    private static final Logger LOG = LoggerFactory.getLogger(McpGateway.class);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(10);
    private static final int WORKERS = 4;

    private final StreamableHttpTransport transport;
    private final McpAsyncServer server;
    private final ToolCalls calls;
    private final ToolRegistry registry;
    private final List<Upstream> upstreams = new ArrayList<>();
    private final ScheduledExecutorService timers;
    private final ExecutorService work;

    /** Where refused agent keys are reported (journaled as {@code access.refused}); absent in bare tests. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecurityEvents securityEvents;

    @Activate
    public McpGateway(@Reference ApprovalService approvals, @Reference Directory directory,
                      Map<String, Object> properties) {
        GatewaySettings settings = GatewaySettings.parse(properties);
        McpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false));
        JsonSchemaValidator noValidation = (schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(null);
        this.timers = Executors.newScheduledThreadPool(1, runnable -> {
            Thread thread = new Thread(runnable, "countersign-mcp-gateway");
            thread.setDaemon(true);
            return thread;
        });
        this.transport = new StreamableHttpTransport(directory, json, settings.maxBodyBytes(),
                (surface, code, status, detail, clientAddress) -> {
                    SecurityEvents events = securityEvents;
                    if (events != null) {
                        events.refused(surface, code, status, detail, clientAddress);
                    }
                });
        this.work = Executors.newFixedThreadPool(WORKERS, runnable -> {
            Thread thread = new Thread(runnable, "countersign-mcp-call");
            thread.setDaemon(true);
            return thread;
        });
        this.calls = new ToolCalls(approvals, directory, settings, Clock.systemUTC(), work);
        this.server = McpServer.async(transport)
                .serverInfo("countersign-mcp-gateway", "1")
                .instructions("Every tool call is checked by Countersign: some run at once, some wait for human"
                        + " reviewers, some are refused with the reasons.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .jsonMapper(json)
                .jsonSchemaValidator(noValidation)
                .validateToolInputs(false)
                .strictToolNameValidation(false)
                .build();
        this.registry = new ToolRegistry(server, calls);
        for (UpstreamSpec spec : settings.upstreams()) {
            upstreams.add(new Upstream(spec, json, noValidation, settings.upstreamTimeout(), timers,
                    registry::update));
        }
        timers.scheduleWithFixedDelay(transport::keepAlive, KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(),
                TimeUnit.MILLISECONDS);
        upstreams.forEach(Upstream::connect);
        LOG.info("MCP gateway serving {} upstream(s), {} mapped tool(s)", upstreams.size(), settings.tools().size());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        return transport.handle(request, response, callback);
    }

    @Deactivate
    void deactivate() {
        calls.stop();
        try {
            // let the waiting calls' tool errors reach their streams before the streams close
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (transport.openStreams() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.closeGracefully().block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("closing the MCP server", e);
        }
        upstreams.forEach(Upstream::close);
        timers.shutdownNow();
        work.shutdownNow();
    }

    /** The upstreams' tools as this server's: added, replaced and removed as the upstreams come and go. */
    static final class ToolRegistry {
        private final McpAsyncServer server;
        private final ToolCalls calls;
        private final Map<String, String> owners = new java.util.HashMap<>();

        ToolRegistry(McpAsyncServer server, ToolCalls calls) {
            this.server = server;
            this.calls = calls;
        }

        synchronized void update(Upstream upstream, List<McpSchema.Tool> tools) {
            boolean changed = false;
            for (var owned : new ArrayList<>(owners.entrySet())) {
                if (owned.getValue().equals(upstream.name())) {
                    server.removeTool(owned.getKey()).onErrorResume(e -> reactor.core.publisher.Mono.empty()).block();
                    owners.remove(owned.getKey());
                    changed = true;
                }
            }
            for (McpSchema.Tool tool : tools) {
                String other = owners.get(tool.name());
                if (other != null) {
                    LOG.warn("tool {} of upstream {} is hidden by upstream {}'s", tool.name(), upstream.name(), other);
                    continue;
                }
                ToolCalls.Target target = new ToolCalls.Target(upstream, tool);
                server.addTool(McpServerFeatures.AsyncToolSpecification.builder().tool(tool)
                        .callHandler((exchange, request) -> calls.call(target, exchange, request)).build()).block();
                owners.put(tool.name(), upstream.name());
                changed = true;
            }
            if (changed) {
                server.notifyToolsListChanged().onErrorResume(e -> reactor.core.publisher.Mono.empty()).subscribe();
            }
        }
    }
}
