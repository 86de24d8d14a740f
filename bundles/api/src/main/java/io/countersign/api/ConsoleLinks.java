package io.countersign.api;

import java.net.URI;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a reviewer's browser finds a request in the console, registered while the console is configured: review
 * messages link there, and send a step-up approval there instead of deciding on the channel.
 */
@ProviderType
public interface ConsoleLinks {

    /** The request's page: its context, timeline and votes; where it is approved or denied. */
    URI requestPage(String requestId);

    /** The request's change record: who asked, why, which policy, who approved, when it ran, what happened. */
    URI changeRecord(String requestId);
}
