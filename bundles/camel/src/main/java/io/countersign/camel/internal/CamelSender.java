package io.countersign.camel.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.notify.Notification;
import io.countersign.camel.ReviewChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

/** Sends each notification as one exchange to its channel's endpoint, through the context's shared error handler. */
final class CamelSender implements Sender {

    /** Exchange property: the failure the dead letter received, set when every attempt failed. */
    static final String DEAD_LETTERED = "countersign.deadLettered";
    /** Exchange property: how many attempts were made, once there was more than one. */
    static final String ATTEMPTS = "countersign.attempts";
    /** Exchange property: the notification, which stays put while a route turns the body into a provider message. */
    static final String NOTIFICATION = "countersign.notification";

    private final CamelContext context;
    private final ProducerTemplate template;
    private final Map<String, ReviewChannel> channels = new ConcurrentHashMap<>();

    CamelSender(CamelContext context) {
        this.context = context;
        this.template = context.createProducerTemplate();
    }

    void add(ReviewChannel channel) {
        channels.put(channel.name(), channel);
    }

    void remove(ReviewChannel channel) {
        channels.remove(channel.name(), channel);
    }

    @Override
    public boolean isAvailable(String channel) {
        return channels.containsKey(channel);
    }

    @Override
    public CompletionStage<Result> send(Notification notification) {
        ReviewChannel channel = channels.get(notification.channel());
        if (channel == null) {
            return CompletableFuture.completedFuture(new Failed(0, "channel " + notification.channel()
                    + " is not installed"));
        }
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(notification);
        exchange.setProperty(NOTIFICATION, notification);
        return template.asyncSend(channel.endpointUri(), exchange).handle((done, failure) -> {
            if (failure != null) {
                return new Failed(0, failure.toString());
            }
            Throwable deadLettered = done.getProperty(DEAD_LETTERED, Throwable.class);
            Throwable error = deadLettered != null ? deadLettered : done.getException();
            int attempts = done.getProperty(ATTEMPTS, 1, Integer.class);
            if (error != null) {
                return new Failed(attempts, describe(error));
            }
            Object body = done.getMessage().getBody();
            if (body instanceof ObjectNode reference) {
                return new Delivered(reference);
            }
            return new Failed(attempts, "the " + notification.channel() + " route answered with "
                    + (body == null ? "nothing" : body.getClass().getName()) + " instead of the message reference");
        });
    }

    static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    void close() throws Exception {
        template.close();
    }
}
