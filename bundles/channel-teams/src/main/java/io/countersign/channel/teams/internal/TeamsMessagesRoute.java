package io.countersign.channel.teams.internal;

import io.countersign.api.ApprovalService;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.Directory;
import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import io.countersign.http.Problem;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bot's messaging endpoint, {@code POST /hooks/teams/messages}, where the Bot Connector posts activities. */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=" + TeamsMessagesRoute.PREFIX,
        configurationPid = TeamsSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class TeamsMessagesRoute implements HttpRoute {

    static final String PREFIX = "/hooks/teams";
    static final String PATH = PREFIX + "/messages";

    private static final Logger LOG = LoggerFactory.getLogger(TeamsMessagesRoute.class);
    private static final int MAX_REMEMBERED_ACTIVITIES = 100_000;

    private final InvokeHandler invokes;
    private final int maxBodyBytes;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConsoleLinks console;

    @Activate
    public TeamsMessagesRoute(@Reference ApprovalService approvals, @Reference Directory directory,
                              TeamsConfig config) {
        this(approvals, directory, TeamsSettings.from(config), Clock.systemUTC());
    }

    TeamsMessagesRoute(ApprovalService approvals, Directory directory, TeamsSettings settings, Clock clock) {
        HttpClient http = HttpClients.create(settings);
        OpenIdKeys keys = new OpenIdKeys(http, settings.openIdMetadataUrl(), settings.requestTimeout(),
                settings.keyCacheMaxAge(), settings.keyRefetchInterval(), clock);
        this.invokes = new InvokeHandler(settings, new BotJwtVerifier(settings, keys, clock),
                new ReplayGuard(MAX_REMEMBERED_ACTIVITIES, clock), approvals, directory, () -> console);
        this.maxBodyBytes = settings.maxBodyBytes();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).equals(PATH)) {
            return false;
        }
        if (!request.getMethod().equals("POST")) {
            Exchanges.methodNotAllowed(response, callback, "POST");
            return true;
        }
        if (request.getLength() > maxBodyBytes) {
            Exchanges.problem(response, callback, tooLarge());
            return true;
        }
        String token = Exchanges.bearer(request).orElse(null);
        // as RestApi reads bodies; Jetty 12.0 deprecates these CompletableFuture helpers without a bounded successor
        Content.Source.asByteArrayAsync(request, maxBodyBytes + 1).whenComplete((body, readFailure) -> {
            if (readFailure != null || body.length > maxBodyBytes) {
                Exchanges.problem(response, callback, tooLarge());
                return;
            }
            CompletionStage<InvokeHandler.Answer> answered;
            try {
                answered = invokes.handle(token, body);
            } catch (RuntimeException e) {
                answered = CompletableFuture.failedFuture(e);
            }
            answered.whenComplete((answer, failure) -> {
                if (failure != null) {
                    LOG.error("a Teams activity could not be handled", failure);
                    Exchanges.problem(response, callback, new Problem(500, "internal-error", "Internal error",
                            "the activity could not be handled; nothing was recorded unless a later read shows it"));
                } else if (answer.problem() != null) {
                    Exchanges.problem(response, callback, answer.problem(), answer.status() == 401
                            ? Map.of("WWW-Authenticate", "Bearer") : Map.of());
                } else {
                    Exchanges.json(response, callback, answer.status(), answer.body());
                }
            });
        });
        return true;
    }

    private Problem tooLarge() {
        return new Problem(413, "body-too-large", "Request body too large",
                "an activity may be at most " + maxBodyBytes + " bytes");
    }
}
