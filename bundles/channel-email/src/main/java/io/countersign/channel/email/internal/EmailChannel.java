package io.countersign.channel.email.internal;

import io.countersign.api.ConsoleLinks;
import io.countersign.camel.ReviewChannel;
import java.time.Clock;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of the email channel: one multipart/alternative (plain text and HTML) email per notification,
 * sent over SMTP with camel-mail. The route ends with the reference the host journals:
 * {@code {messageId, tokenHash, expiresAt, reviewer, digest}}, plus {@code outcome} and {@code outcomeMessageId}
 * once the outcome email went out.
 */
@Component(service = ReviewChannel.class, configurationPid = EmailChannel.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EmailConfig.class)
public final class EmailChannel implements ReviewChannel {

    static final String PID = "io.countersign.channel.email";
    static final String NAME = "email";
    static final String ENDPOINT = "direct:countersign-email";

    private static final Logger LOG = LoggerFactory.getLogger(EmailChannel.class);

    private final EmailSettings settings;
    private final Clock clock;
    private final LinkTokens tokens;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConsoleLinks console;

    @Activate
    public EmailChannel(EmailConfig config) {
        this(EmailSettings.from(config), Clock.systemUTC(), new LinkTokens());
        LOG.info("email channel sends through {}:{} (STARTTLS {}{}), links under {}", settings.smtpHost(),
                settings.smtpPort(), settings.startTls() || settings.startTlsRequired() ? "on" : "off",
                settings.startTlsRequired() ? ", required" : "", settings.publicBaseUrl());
    }

    EmailChannel(EmailSettings settings, Clock clock, LinkTokens tokens) {
        this.settings = settings;
        this.clock = clock;
        this.tokens = tokens;
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
                from(ENDPOINT).routeId("countersign-email")
                        .process(new ReviewMailComposer(settings, clock, tokens, () -> console))
                        .process(new SmtpDelivery(getContext(), settings));
            }
        };
    }
}
