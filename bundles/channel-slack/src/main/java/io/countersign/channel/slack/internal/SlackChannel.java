package io.countersign.channel.slack.internal;

import io.countersign.api.ConsoleLinks;
import io.countersign.camel.ReviewChannel;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The outbound side of the Slack channel: each notification becomes a Block Kit message to the reviewer (or to the
 * configured channel), and each update refreshes that message. Errors are thrown for the host's shared error
 * handler, which retries (honouring Retry-After) and dead-letters; this route sets no handler of its own.
 */
@Component(service = ReviewChannel.class, configurationPid = ChannelConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ChannelConfig.class)
public final class SlackChannel implements ReviewChannel {

    static final String NAME = "slack";
    static final String ENDPOINT = "direct:countersign-slack";
    static final String ROUTE_ID = "countersign-slack";

    private final SlackWebApi api;
    private final SlackSender sender;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConsoleLinks console;

    @Activate
    public SlackChannel(ChannelConfig config) {
        this(SlackSettings.from(config).requireOutbound());
    }

    SlackChannel(SlackSettings settings) {
        this.api = new SlackWebApi(settings.apiBaseUrl(), settings.botToken(), settings.timeout());
        this.sender = new SlackSender(api, settings.channel(), () -> console);
    }

    @Deactivate
    void deactivate() {
        api.close();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String endpointUri() {
        return ENDPOINT;
    }

    @Override
    public RoutesBuilder routes() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ENDPOINT).routeId(ROUTE_ID).process(sender);
            }
        };
    }
}
