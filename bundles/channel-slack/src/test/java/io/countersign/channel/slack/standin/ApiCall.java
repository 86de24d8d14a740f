package io.countersign.channel.slack.standin;

import java.util.Map;

/**
 * One call to the stand-in's Web API, whatever it was answered.
 *
 * @param method        the Web API method, e.g. {@code chat.postMessage}
 * @param contentType   the request's Content-Type
 * @param arguments     the arguments as sent (form fields, or a JSON body's top-level values as text)
 * @param authorized    whether the bot token was the configured one
 * @param status        the HTTP status answered
 * @param error         the {@code error} answered with {@code ok:false}, or {@code null}
 * @param receivedNanos {@link System#nanoTime()} when the call arrived
 */
public record ApiCall(String method, String contentType, Map<String, String> arguments, boolean authorized,
                      int status, String error, long receivedNanos) {
    public ApiCall {
        arguments = Map.copyOf(arguments);
    }
}
