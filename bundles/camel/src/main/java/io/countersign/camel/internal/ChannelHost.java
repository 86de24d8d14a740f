package io.countersign.camel.internal;

import io.countersign.api.ApprovalService;
import io.countersign.api.Directory;
import io.countersign.api.Journal;
import io.countersign.api.RequestListener;
import io.countersign.api.RequestView;
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationLog;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import io.countersign.camel.ReviewChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.builder.DeadLetterChannelBuilder;
import org.apache.camel.builder.NoErrorHandlerBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns Countersign's one Camel context. Channel bundles come and go as {@link ReviewChannel} services: their routes
 * are added and removed live, under one shared error handler that retries with exponential backoff (or exactly the
 * provider's Retry-After), journals every failed attempt, and dead-letters into the journal when it gives up.
 */
@Component(service = NotificationLog.class, immediate = true,
        configurationPid = "io.countersign.channels", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ChannelHost.Config.class)
public final class ChannelHost implements RequestListener, NotificationLog {

    @ObjectClassDefinition(name = "Countersign review channels")
    public @interface Config {
        @AttributeDefinition(description = "Channels in order of preference: a reviewer is notified on the first one"
                + " they have a contact on, and on the next one when it fails")
        String[] order() default {"slack", "teams", "email"};

        @AttributeDefinition(description = "Delivery attempts after the first, per channel")
        int maximumRedeliveries() default 5;

        @AttributeDefinition(description = "Wait before the first redelivery, in milliseconds; doubled each time")
        long redeliveryDelayMillis() default 500;

        @AttributeDefinition(description = "Longest wait between attempts, in milliseconds")
        long maximumRedeliveryDelayMillis() default 60_000;

        @AttributeDefinition(description = "A provider asking to wait longer than this (Retry-After, seconds) is"
                + " treated as down: the next channel is tried")
        long maximumRetryAfterSeconds() default 300;

        @AttributeDefinition(description = "How long deliveries of a closed request stay readable, in hours")
        long retentionHours() default 24;

        @AttributeDefinition(description = "Remind a reviewer who has not answered this many minutes after being"
                + " asked, once, while the request is open; 0 never reminds")
        long remindAfterMinutes() default 60;

        @AttributeDefinition(description = "When every channel of a reviewer has failed, start over from the first"
                + " after this many seconds, for as long as the request is open")
        long retryExhaustedAfterSeconds() default 300;
    }

    static final String DEAD_LETTER_URI = "direct:countersign-dead-letter";

    private static final Logger LOG = LoggerFactory.getLogger(ChannelHost.class);

    private final CamelContext context;
    private final CamelSender sender;
    private final Dispatcher dispatcher;
    private final Journal journal;
    private final ApprovalService approvals;
    private final Clock clock = Clock.systemUTC();
    /** Channels bound before activation finished: DS may bind dynamic references first. */
    private final List<ReviewChannel> early = new ArrayList<>();
    private final Map<ReviewChannel, List<String>> routeIds = new ConcurrentHashMap<>();
    private boolean active;

    @Activate
    public ChannelHost(@Reference ApprovalService approvals, @Reference Directory directory,
                       @Reference Journal journal, Config config) throws Exception {
        this.journal = journal;
        this.approvals = approvals;
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("countersign");
        camel.getShutdownStrategy().setTimeout(10);
        camel.getCamelContextExtension().setErrorHandlerFactory(errorHandler(config));
        this.context = camel;
        this.sender = new CamelSender(camel);
        this.dispatcher = new Dispatcher(approvals, directory, journal, sender, channelOrder(config.order()),
                Duration.ofHours(config.retentionHours()), Duration.ofMinutes(config.remindAfterMinutes()),
                Duration.ofSeconds(config.retryExhaustedAfterSeconds()), clock);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(DEAD_LETTER_URI).routeId("countersign-dead-letter").errorHandler(new NoErrorHandlerBuilder())
                        .process(ChannelHost::deadLettered);
            }
        });
        camel.start();
        List<ReviewChannel> waiting;
        synchronized (this) {
            active = true;
            waiting = new ArrayList<>(early);
            early.clear();
        }
        waiting.forEach(this::addChannel);
        approvals.addListener(this);
        dispatcher.start();
        LOG.info("review channels ready, in order {}", channelOrder(config.order()));
    }

    /** A configuration file gives the list as one comma-separated value, ConfigAdmin may give an array: both work. */
    static List<String> channelOrder(String[] configured) {
        List<String> order = new ArrayList<>();
        for (String value : configured == null ? new String[0] : configured) {
            for (String name : value.split(",")) {
                String channel = name.trim();
                if (!channel.isEmpty() && !order.contains(channel)) {
                    order.add(channel);
                }
            }
        }
        if (order.isEmpty()) {
            throw new IllegalArgumentException("io.countersign.channels: order names no channel");
        }
        return List.copyOf(order);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindChannel(ReviewChannel channel) {
        synchronized (this) {
            if (!active) {
                early.add(channel);
                return;
            }
        }
        addChannel(channel);
    }

    void unbindChannel(ReviewChannel channel) {
        synchronized (this) {
            if (early.remove(channel)) {
                return;
            }
        }
        sender.remove(channel);
        List<String> ids = routeIds.remove(channel);
        if (ids == null) {
            return;
        }
        for (String id : ids) {
            try {
                context.getRouteController().stopRoute(id);
                context.removeRoute(id);
            } catch (Exception e) {
                LOG.warn("could not remove route {} of channel {}", id, channel.name(), e);
            }
        }
        LOG.info("channel {} removed; its notifications wait for it", channel.name());
    }

    private void addChannel(ReviewChannel channel) {
        Set<String> before = routeIdsNow();
        try {
            context.addRoutes(channel.routes());
        } catch (Exception e) {
            LOG.error("the routes of channel {} could not be added; the channel stays off", channel.name(), e);
            return;
        }
        Set<String> added = routeIdsNow();
        added.removeAll(before);
        routeIds.put(channel, List.copyOf(added));
        sender.add(channel);
        dispatcher.channelAvailable(channel.name());
        LOG.info("channel {} added with routes {}", channel.name(), added);
    }

    private Set<String> routeIdsNow() {
        Set<String> ids = new HashSet<>();
        for (Route route : context.getRoutes()) {
            ids.add(route.getRouteId());
        }
        return ids;
    }

    @Deactivate
    void deactivate() throws Exception {
        approvals.removeListener(this);
        dispatcher.stop();
        sender.close();
        context.stop();
    }

    @Override
    public void changed(RequestView view) {
        dispatcher.changed(view);
    }

    @Override
    public List<Delivery> deliveries(String requestId) {
        return dispatcher.deliveries(requestId);
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    private DeadLetterChannelBuilder errorHandler(Config config) {
        int maximumRedeliveries = config.maximumRedeliveries();
        long maximumRetryAfterMillis = config.maximumRetryAfterSeconds() * 1000;
        DeadLetterChannelBuilder builder = new DeadLetterChannelBuilder(DEAD_LETTER_URI);
        builder.useOriginalMessage();
        builder.redeliveryDelay(config.redeliveryDelayMillis()).useExponentialBackOff().backOffMultiplier(2)
                .maximumRedeliveryDelay(config.maximumRedeliveryDelayMillis()).asyncDelayedRedelivery()
                .logStackTrace(false).logExhausted(true);
        // retryWhile replaces maximumRedeliveries, so the count is checked here too; the counter already
        // includes the redelivery being decided on.
        builder.setRetryWhilePredicate(exchange -> {
            Throwable failure = failureOf(exchange);
            int counter = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
            Long retryAfter = exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class);
            return counter <= maximumRedeliveries && !(failure instanceof ChannelRejectedException)
                    && (retryAfter == null || retryAfter <= maximumRetryAfterMillis);
        });
        builder.onRedelivery(this::redelivering);
        return builder;
    }

    /** Before each redelivery, once its wait is over: journal the attempt that failed. */
    private void redelivering(Exchange exchange) {
        Notification notification = exchange.getProperty(CamelSender.NOTIFICATION, Notification.class);
        Throwable failure = failureOf(exchange);
        int failedAttempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        Duration retryAfter = failure instanceof ChannelUnavailableException unavailable
                ? unavailable.retryAfter() : null;
        // A property, not a header: the dead letter gets the original message, without Camel's counter.
        exchange.setProperty(CamelSender.ATTEMPTS, failedAttempt + 1);
        if (notification != null) {
            journal.append(NotificationEntries.RETRYING, NotificationEntries.retrying(notification, failedAttempt,
                    failure == null ? "unknown" : CamelSender.describe(failure), retryAfter, clock.instant()));
        }
    }

    private static void deadLettered(Exchange exchange) {
        Throwable failure = failureOf(exchange);
        exchange.setProperty(CamelSender.DEAD_LETTERED, failure != null ? failure
                : new IllegalStateException("dead-lettered without a recorded failure"));
    }

    private static Throwable failureOf(Exchange exchange) {
        Throwable failure = exchange.getException();
        return failure != null ? failure : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }
}
