package io.countersign.channel.teams.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import io.countersign.camel.ChannelRejectedException;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * One notification in, the Teams reference of the delivered message out ({@code serviceUrl}, {@code conversationId},
 * {@code activityId}). A new message takes two steps (open the 1:1 conversation, post the card), so a redelivery
 * after a failed post does not open the conversation again.
 */
final class TeamsRoutes extends RouteBuilder {

    static final String ROUTE_ID = "countersign-teams";
    private static final String NOTIFICATION = "countersign.teams.notification";
    private static final String CONVERSATION = "countersign.teams.conversationId";

    private final String endpointUri;
    private final TeamsSettings settings;
    private final BotConnector connector;
    private final Supplier<ConsoleLinks> console;

    TeamsRoutes(String endpointUri, TeamsSettings settings, BotConnector connector, Supplier<ConsoleLinks> console) {
        this.console = console;
        this.endpointUri = endpointUri;
        this.settings = settings;
        this.connector = connector;
    }

    @Override
    public void configure() {
        from(endpointUri).routeId(ROUTE_ID)
                .process(this::remember)
                .choice()
                    .when(exchange -> notification(exchange).kind() == NotificationKind.UPDATE)
                        .process(this::update)
                    .otherwise()
                        .process(this::openConversation)
                        .process(this::post)
                .end();
    }

    private void remember(Exchange exchange) throws ChannelRejectedException {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof Notification notification)) {
            throw new ChannelRejectedException("expected a Notification, got "
                    + (body == null ? "nothing" : body.getClass().getName()));
        }
        exchange.setProperty(NOTIFICATION, notification);
    }

    private void openConversation(Exchange exchange) throws Exception {
        forgetRetryAfter(exchange);
        Notification notification = notification(exchange);
        exchange.setProperty(CONVERSATION, connector.conversationWith(exchange, settings.serviceUrl(),
                notification.address()));
    }

    private void post(Exchange exchange) throws Exception {
        forgetRetryAfter(exchange);
        Notification notification = notification(exchange);
        String conversationId = exchange.getProperty(CONVERSATION, String.class);
        ObjectNode activity = activity(TeamsCards.forNotification(notification, console.get()));
        activity.putObject("conversation").put("id", conversationId);
        String activityId = connector.send(exchange, settings.serviceUrl(), conversationId, activity);
        exchange.getMessage().setBody(reference(settings.serviceUrl(), conversationId, activityId));
    }

    private void update(Exchange exchange) throws Exception {
        forgetRetryAfter(exchange);
        Notification notification = notification(exchange);
        JsonNode previous = notification.previous().reference();
        String serviceUrl = previous.path("serviceUrl").asText("");
        String conversationId = previous.path("conversationId").asText("");
        String activityId = previous.path("activityId").asText("");
        if (serviceUrl.isEmpty() || conversationId.isEmpty() || activityId.isEmpty()) {
            throw new ChannelRejectedException("the message to update has no Teams reference: " + previous);
        }
        ObjectNode activity = activity(TeamsCards.forNotification(notification, console.get()));
        activity.put("id", activityId);
        activity.putObject("conversation").put("id", conversationId);
        connector.update(exchange, serviceUrl, conversationId, activityId, activity);
        exchange.getMessage().setBody(reference(serviceUrl, conversationId, activityId));
    }

    private ObjectNode activity(ObjectNode card) {
        ObjectNode activity = JsonNodeFactory.instance.objectNode().put("type", "message");
        activity.putObject("from").put("id", settings.botAccountId()).put("name", settings.botName());
        activity.putArray("attachments").add(TeamsCards.attachment(card));
        return activity;
    }

    private static ObjectNode reference(String serviceUrl, String conversationId, String activityId) {
        return JsonNodeFactory.instance.objectNode().put("serviceUrl", serviceUrl)
                .put("conversationId", conversationId).put("activityId", activityId);
    }

    private static Notification notification(Exchange exchange) {
        return exchange.getProperty(NOTIFICATION, Notification.class);
    }

    /** A Retry-After from an earlier attempt must not set the delay after a later, different failure. */
    private static void forgetRetryAfter(Exchange exchange) {
        exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
    }
}
