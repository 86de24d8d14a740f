package io.countersign.channel.teams.internal;

import io.countersign.api.ConsoleLinks;
import io.countersign.camel.ReviewChannel;
import java.net.http.HttpClient;
import java.time.Clock;
import org.apache.camel.RoutesBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/** The outbound side of the Teams channel: Adaptive Cards sent proactively through the Bot Connector. */
@Component(service = ReviewChannel.class, configurationPid = TeamsSettings.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TeamsConfig.class)
public final class TeamsChannel implements ReviewChannel {

    static final String NAME = "teams";
    static final String ENDPOINT = "direct:countersign-teams";

    private final TeamsSettings settings;
    private final BotConnector connector;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConsoleLinks console;

    @Activate
    public TeamsChannel(TeamsConfig config) {
        this(TeamsSettings.from(config), Clock.systemUTC());
    }

    TeamsChannel(TeamsSettings settings, Clock clock) {
        this.settings = settings;
        HttpClient http = HttpClients.create(settings);
        this.connector = new BotConnector(settings, http, new BotTokenSource(settings, http, clock));
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
        return new TeamsRoutes(ENDPOINT, settings, connector, () -> console);
    }
}
