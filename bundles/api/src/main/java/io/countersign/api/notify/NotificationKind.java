package io.countersign.api.notify;

import java.util.Locale;

/** What a notification asks of its reader. */
public enum NotificationKind {
    /** A new message asking a reviewer to decide, with Approve and Deny. */
    REVIEW,
    /** A new message reminding a reviewer who has not answered yet. */
    REMINDER,
    /** A refresh of an earlier message ({@link Notification#previous()}): votes so far, or the outcome. */
    UPDATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NotificationKind fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
