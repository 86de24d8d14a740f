package io.countersign.channel.teams.internal;

import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.camel.Exchange;

/** How an answer or a failure of Microsoft's endpoints becomes the channel's failure types. */
final class ProviderResponses {

    private static final int MAX_DETAIL_CHARS = 200;

    private ProviderResponses() {
    }

    /**
     * Returns normally for a 2xx; otherwise throws: 429 and 5xx (and 408) are worth retrying, every other status
     * is permanent. {@code detail} is appended to the message and must hold nothing secret.
     */
    static void check(Exchange exchange, String what, HttpResponse<String> response, String detail)
            throws ChannelUnavailableException, ChannelRejectedException {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String message = what + " answered HTTP " + status + (detail == null || detail.isEmpty() ? "" : ": " + detail);
        if (status == 429) {
            Optional<Duration> wait = retryAfter(response.headers().firstValue("Retry-After"), Instant.now());
            if (wait.isPresent()) {
                throw ChannelUnavailableException.retryAfter(exchange, wait.get(), message);
            }
            throw new ChannelUnavailableException(message, null);
        }
        if (status >= 500 || status == 408) {
            throw new ChannelUnavailableException(message, null);
        }
        throw new ChannelRejectedException(message);
    }

    /** A transport failure: the provider may be back soon. */
    static ChannelUnavailableException unreachable(String what, IOException e) {
        String kind = e instanceof HttpTimeoutException ? "timed out" : "failed";
        return new ChannelUnavailableException(what + " " + kind + ": " + e.getClass().getSimpleName(), e);
    }

    static ChannelUnavailableException interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ChannelUnavailableException(what + " was interrupted", e);
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); empty when absent or unreadable. */
    static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty() || header.get().isBlank()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The start of a provider's error body, on one line, for logs and exception messages. */
    static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = body.replaceAll("\\p{Cntrl}+", " ").trim();
        return line.length() <= MAX_DETAIL_CHARS ? line : line.substring(0, MAX_DETAIL_CHARS) + "…";
    }
}
