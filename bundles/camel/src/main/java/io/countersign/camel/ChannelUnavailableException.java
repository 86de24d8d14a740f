package io.countersign.camel;

import java.time.Duration;
import org.apache.camel.Exchange;

/**
 * The provider cannot take the message now: a 5xx, a timeout, a refused connection, a 429. Redelivered with
 * backoff; when the provider said how long to wait (Retry-After), exactly that long.
 */
public class ChannelUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public ChannelUnavailableException(String message, Throwable cause) {
        super(message, cause);
        this.retryAfter = null;
    }

    private ChannelUnavailableException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /**
     * The provider asked us to wait: the next delivery attempt of {@code exchange} is made after {@code wait}
     * instead of the usual backoff.
     */
    public static ChannelUnavailableException retryAfter(Exchange exchange, Duration wait, String message) {
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, Math.max(0, wait.toMillis()));
        return new ChannelUnavailableException(message, wait);
    }

    /** How long the provider asked us to wait, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
