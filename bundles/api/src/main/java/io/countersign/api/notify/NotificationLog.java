package io.countersign.api.notify;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** What was delivered for the requests still open, as the journal records it. */
@ProviderType
public interface NotificationLog {

    /**
     * The deliveries of a request, oldest first. Kept while the request is open and for a day after it closes, so a
     * late click can be answered with the outcome; empty for any other request.
     */
    List<Delivery> deliveries(String requestId);
}
