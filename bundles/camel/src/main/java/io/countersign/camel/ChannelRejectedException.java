package io.countersign.camel;

/**
 * The provider refused the message for good: a revoked token, an unknown user, a malformed request. Not retried;
 * the notification falls back to the reviewer's next channel.
 */
public class ChannelRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    public ChannelRejectedException(String message) {
        super(message);
    }

    public ChannelRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
