package io.countersign.channel.slack.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import io.countersign.camel.ChannelRejectedException;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Sends one notification: a new message for a review or a reminder, {@code chat.update} of the earlier message for
 * an update. Ends with Slack's reference to the message, {@code {"channel", "ts"}}, as the body.
 */
final class SlackSender implements Processor {

    private final SlackWebApi api;
    private final String fixedChannel;
    private final Supplier<ConsoleLinks> console;

    SlackSender(SlackWebApi api, String fixedChannel, Supplier<ConsoleLinks> console) {
        this.api = api;
        this.fixedChannel = fixedChannel;
        this.console = console;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Notification notification = exchange.getIn().getMandatoryBody(Notification.class);
        // a wait Slack asked for applies to the attempt after that answer only, not to later failures
        exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        String mention = fixedChannel == null ? null : notification.address();
        ReviewMessage.Rendered message = ReviewMessage.forReviewer(notification.view(),
                notification.reviewer().id(), notification.kind() == NotificationKind.REMINDER, mention, console.get());
        ObjectNode reference;
        if (notification.kind() == NotificationKind.UPDATE) {
            ObjectNode previous = notification.previous().reference();
            String channel = previous.path("channel").asText("");
            String ts = previous.path("ts").asText("");
            if (channel.isEmpty() || ts.isEmpty()) {
                throw new ChannelRejectedException("the message to update has no Slack channel and ts: " + previous);
            }
            reference = api.update(exchange, channel, ts, message);
        } else {
            String channel = fixedChannel != null ? fixedChannel : notification.address();
            if (channel.isBlank()) {
                throw new ChannelRejectedException("reviewer " + notification.reviewer().id() + " has no Slack id");
            }
            reference = api.postMessage(exchange, channel, message);
        }
        exchange.getMessage().setBody(reference);
    }
}
