package io.countersign.camel;

import org.apache.camel.RoutesBuilder;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The outbound side of a review channel, registered as a service by its channel bundle. When the service appears,
 * its routes join Countersign's Camel context and notifications held for the channel are sent; when it goes, its
 * routes are removed and notifications for it wait, so uninstalling a channel loses nothing.
 * <p>
 * The route consuming {@link #endpointUri()} receives one {@link io.countersign.api.notify.Notification} per
 * exchange as its body and must end with the provider's reference to what it delivered (a Jackson
 * {@code ObjectNode}, e.g. Slack's channel and ts) as the body: that reference is journaled and handed back with
 * later updates of the same message. It must not set its own error handler: the context's shared one retries with
 * backoff and journals what finally fails. Failures are reported by throwing {@link ChannelUnavailableException}
 * (retried, honouring the provider's Retry-After) or {@link ChannelRejectedException} (not retried).
 */
@ConsumerType
public interface ReviewChannel {

    /** The channel's name, as reviewers' contacts and policies name it: {@code slack}, {@code teams}, {@code email}. */
    String name();

    /** Where the host sends notifications, e.g. {@code direct:countersign-slack}. */
    String endpointUri();

    /** The routes consuming {@link #endpointUri()}; built once per registration. */
    RoutesBuilder routes();
}
