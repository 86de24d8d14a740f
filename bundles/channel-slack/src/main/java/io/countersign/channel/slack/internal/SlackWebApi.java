package io.countersign.channel.slack.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.request.chat.ChatUpdateRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.chat.ChatUpdateResponse;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack's Web API through the Slack client embedded with camel-slack. camel-slack's own producer posts a message but
 * drops Slack's answer (so no {@code ts} to update later) and cannot call {@code chat.update}; this calls the same
 * client directly and turns every failure into a {@link ChannelUnavailableException} (retried) or a
 * {@link ChannelRejectedException} (not retried).
 */
final class SlackWebApi implements AutoCloseable {

    /** {@code ok:false} errors that go away by themselves (docs.slack.dev/reference/methods/chat.postMessage). */
    private static final Set<String> TRANSIENT_ERRORS = Set.of("ratelimited", "rate_limited", "service_unavailable",
            "fatal_error", "internal_error", "request_timeout", "team_added_to_org");
    /** A Retry-After beyond this is taken as this: a notification must not sleep for a day on one header. */
    private static final Duration LONGEST_WAIT = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(SlackWebApi.class);

    private final Slack slack;
    private final String token;

    SlackWebApi(String apiBaseUrl, String token, Duration timeout) {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(apiBaseUrl.endsWith("/") ? apiBaseUrl : apiBaseUrl + "/");
        config.setStatsEnabled(false);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.setHttpClientReadTimeoutMillis(millis);
        config.setHttpClientWriteTimeoutMillis(millis);
        config.setHttpClientCallTimeoutMillis(millis);
        this.slack = Slack.getInstance(config);
        this.token = token;
    }

    /** Posts a new message; returns the reference to it, {@code {"channel", "ts"}}. */
    ObjectNode postMessage(Exchange exchange, String channel, ReviewMessage.Rendered message)
            throws ChannelUnavailableException, ChannelRejectedException {
        ChatPostMessageRequest request = ChatPostMessageRequest.builder()
                .channel(channel)
                .text(message.text())
                .blocksAsString(message.blocks().toString())
                .mrkdwn(true)
                .unfurlLinks(false)
                .unfurlMedia(false)
                .build();
        ChatPostMessageResponse response = call(exchange, "chat.postMessage",
                () -> slack.methods(token).chatPostMessage(request));
        return reference("chat.postMessage", response.getChannel(), response.getTs());
    }

    /** Replaces the message at {@code channel}/{@code ts}; returns the same reference. */
    ObjectNode update(Exchange exchange, String channel, String ts, ReviewMessage.Rendered message)
            throws ChannelUnavailableException, ChannelRejectedException {
        ChatUpdateRequest request = ChatUpdateRequest.builder()
                .channel(channel)
                .ts(ts)
                .text(message.text())
                .blocksAsString(message.blocks().toString())
                .build();
        ChatUpdateResponse response = call(exchange, "chat.update", () -> slack.methods(token).chatUpdate(request));
        return reference("chat.update", response.getChannel(), response.getTs());
    }

    @Override
    public void close() {
        try {
            slack.close();
        } catch (Exception e) {
            LOG.debug("closing the Slack client failed", e);
        }
    }

    private interface Call<T extends SlackApiTextResponse> {
        T run() throws IOException, SlackApiException;
    }

    private static <T extends SlackApiTextResponse> T call(Exchange exchange, String method, Call<T> call)
            throws ChannelUnavailableException, ChannelRejectedException {
        T response;
        try {
            response = call.run();
        } catch (SlackApiException e) {
            throw httpFailure(exchange, method, e);
        } catch (IOException e) {
            throw new ChannelUnavailableException("Slack " + method + " failed: " + e, e);
        } catch (RuntimeException e) {
            // an answer the client could not read (a proxy's error page, a cut connection)
            throw new ChannelUnavailableException("Slack " + method + " gave no usable answer: " + e, e);
        }
        if (response.isOk()) {
            return response;
        }
        String error = String.valueOf(response.getError());
        if (TRANSIENT_ERRORS.contains(error)) {
            Duration wait = retryAfter(header(response.getHttpResponseHeaders(), "Retry-After"));
            String message = "Slack " + method + " answered " + error;
            if (wait != null) {
                throw ChannelUnavailableException.retryAfter(exchange, wait, message + "; retry after " + wait);
            }
            throw new ChannelUnavailableException(message, null);
        }
        throw new ChannelRejectedException("Slack " + method + " refused the message: " + error
                + (response.getNeeded() == null ? "" : " (needs scope " + response.getNeeded() + ")"));
    }

    /** The retryable failure for an HTTP error answer; throws for one that will not get better. */
    private static ChannelUnavailableException httpFailure(Exchange exchange, String method, SlackApiException e)
            throws ChannelRejectedException {
        int status = HttpAnswer.status(e);
        String error = e.getError() == null ? null : e.getError().getError();
        String message = "Slack " + method + " answered HTTP " + status + (error == null ? "" : " " + error);
        if (status == 429) {
            Duration wait = retryAfter(HttpAnswer.header(e, "Retry-After"));
            return wait == null ? new ChannelUnavailableException(message, e)
                    : ChannelUnavailableException.retryAfter(exchange, wait, message + "; retry after " + wait);
        }
        if (status >= 500 || status == 408 || status < 0) {
            return new ChannelUnavailableException(message, e);
        }
        throw new ChannelRejectedException(message, e);
    }

    private static Duration retryAfter(String header) {
        if (header == null || !header.trim().matches("[0-9]{1,9}")) {
            return null;
        }
        Duration wait = Duration.ofSeconds(Long.parseLong(header.trim()));
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }

    private static String header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (name.equalsIgnoreCase(entry.getKey()) && entry.getValue() != null && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }

    private static ObjectNode reference(String method, String channel, String ts) throws ChannelRejectedException {
        if (channel == null || channel.isEmpty() || ts == null || ts.isEmpty()) {
            throw new ChannelRejectedException("Slack " + method + " answered ok without a channel and ts");
        }
        return JsonNodeFactory.instance.objectNode().put("channel", channel).put("ts", ts);
    }

    /**
     * The HTTP answer inside a {@link SlackApiException} is an {@code okhttp3.Response}. okhttp3 stays private to the
     * host bundle, which exports only {@code com.slack.api.*}, so its status and headers are read reflectively here
     * rather than importing a package nobody exports.
     */
    static final class HttpAnswer {

        private HttpAnswer() {
        }

        static int status(SlackApiException e) {
            Object code = invoke(response(e), "code");
            return code instanceof Integer status ? status : -1;
        }

        static String header(SlackApiException e, String name) {
            Object value = invoke(response(e), "header", name);
            return value instanceof String header ? header : null;
        }

        private static Object response(SlackApiException e) {
            return invoke(e, "getResponse");
        }

        private static Object invoke(Object target, String method, String... arguments) {
            if (target == null) {
                return null;
            }
            try {
                Class<?>[] types = new Class<?>[arguments.length];
                java.util.Arrays.fill(types, String.class);
                return target.getClass().getMethod(method, types).invoke(target, (Object[]) arguments);
            } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
                LOG.debug("cannot read {} from {}", method, target.getClass().getName(), e);
                return null;
            }
        }
    }
}
