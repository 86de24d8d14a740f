package io.countersign.api.notify;

import io.countersign.api.RequestView;
import io.countersign.api.Reviewer;
import java.util.Objects;

/**
 * One message to one reviewer on one channel.
 *
 * @param id       unique; journaled with the delivery
 * @param address  the reviewer's contact on this channel (a Slack user id, an Entra object id, an email address)
 * @param view     the request as it stands now: the channel renders everything from it
 * @param previous for {@link NotificationKind#UPDATE}, the delivery of the message to refresh; otherwise {@code null}
 */
public record Notification(String id, NotificationKind kind, String channel, String address, Reviewer reviewer,
                           RequestView view, Delivery previous) {
    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(reviewer, "reviewer");
        Objects.requireNonNull(view, "view");
        if ((kind == NotificationKind.UPDATE) != (previous != null)) {
            throw new IllegalArgumentException("an update, and only an update, names the delivery it refreshes");
        }
    }
}
