package io.countersign.channel.slack.internal;

import io.countersign.api.ApprovalService;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.Directory;
import io.countersign.http.Exchanges;
import io.countersign.http.HttpRoute;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.http.HttpHeader;
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

/**
 * Slack's interactivity Request URL, {@code POST /hooks/slack/interactions}: reads the raw body (bounded), hands it
 * to {@link InteractionHandler} and writes its answer; what follows the answer (the response_url post) starts only
 * once the answer is sent.
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=" + SlackInteractions.PREFIX,
        configurationPid = ChannelConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class SlackInteractions implements HttpRoute {

    static final String PREFIX = "/hooks/slack";
    static final String PATH = PREFIX + "/interactions";

    private static final Logger LOG = LoggerFactory.getLogger(SlackInteractions.class);

    private final InteractionHandler handler;
    private final int maxBodyBytes;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConsoleLinks console;

    @Activate
    public SlackInteractions(@Reference ApprovalService approvals, @Reference Directory directory,
                             ChannelConfig config) {
        this(approvals, directory, SlackSettings.from(config), Clock.systemUTC());
    }

    SlackInteractions(ApprovalService approvals, Directory directory, SlackSettings settings, Clock clock) {
        this.handler = new InteractionHandler(approvals, directory, settings,
                new ResponseUrl(settings.responseUrlPrefix(), settings.timeout()), clock, () -> console);
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
        long length = request.getLength();
        if (length > maxBodyBytes) {
            answer(handler.tooLarge(length), response, callback);
            return true;
        }
        Content.Source.asByteArrayAsync(request, maxBodyBytes + 1).whenComplete((body, failure) -> {
            if (failure != null || body.length > maxBodyBytes) {
                answer(handler.tooLarge(failure != null ? -1 : body.length), response, callback);
                return;
            }
            answer(handler.handle(request.getHeaders().getValuesList(SlackSignature.TIMESTAMP_HEADER),
                    request.getHeaders().getValuesList(SlackSignature.SIGNATURE_HEADER),
                    request.getHeaders().get(HttpHeader.CONTENT_TYPE), body), response, callback);
        });
        return true;
    }

    private static void answer(CompletionStage<InteractionHandler.Answer> answer, Response response,
                               Callback callback) {
        answer.whenComplete((result, failure) -> {
            if (failure != null) {
                LOG.error("handling a Slack callback failed", failure);
                callback.failed(failure);
                return;
            }
            // the follow-up runs whether or not the answer reached Slack: the outcome it reports is journaled
            Callback then = Callback.from(() -> {
                callback.succeeded();
                result.then().run();
            }, writeFailure -> {
                callback.failed(writeFailure);
                result.then().run();
            });
            if (result.problem() != null) {
                Exchanges.problem(response, then, result.problem());
            } else {
                response.setStatus(result.status());
                Exchanges.closeUnlessBodyConsumed(response);
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                response.write(true, ByteBuffer.allocate(0), then);
            }
        });
    }
}
