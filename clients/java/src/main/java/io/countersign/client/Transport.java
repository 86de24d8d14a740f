package io.countersign.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends a request, and sends it again after a 503 (honouring {@code Retry-After}) or a failure to connect, with
 * backoff, until the call's deadline. A call that may be repeated ({@link Repeat#SAFE}: reads, and submissions, which
 * carry an idempotency key) is also sent again after any other transport failure; one that must not be repeated
 * ({@link Repeat#UNSENT_ONLY}) is sent again only when it certainly never reached the server, and on its own new
 * connection, because a pooled connection the server has meanwhile closed fails only after the request was written.
 */
final class Transport {

    enum Repeat { SAFE, UNSENT_ONLY }

    record Answer(int status, String contentType, String body) {
    }

    private final URI readiness;
    private final HttpClient pooled;
    private final HttpClient.Builder fresh;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Clock clock;

    Transport(URI readiness, Duration connectTimeout, Duration initialBackoff, Duration maxBackoff, Clock clock) {
        this.readiness = readiness;
        this.fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout);
        if ("http".equalsIgnoreCase(readiness.getScheme())) {
            // the JDK's default TLS context parses every CA certificate it trusts, a third of a short-lived
            // process's start; a client that never speaks TLS needs none of them
            fresh.sslContext(withoutTrust());
        }
        this.pooled = fresh.build();
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
    }

    /** {@code request} is asked for again before every attempt, so that it can carry what is left of the deadline. */
    Answer send(Supplier<HttpRequest> request, Repeat repeat, Instant deadline)
            throws CountersignException, InterruptedException {
        Backoff backoff = new Backoff(initialBackoff, maxBackoff);
        while (true) {
            HttpRequest attempt = request.get();
            Duration wait;
            CountersignException failure;
            try {
                HttpClient client = repeat == Repeat.SAFE ? pooled : fresh.build();
                HttpResponse<String> response = client.send(attempt, HttpResponse.BodyHandlers.ofString());
                String contentType = response.headers().firstValue("Content-Type").orElse("");
                if (response.statusCode() == 503) {
                    failure = Problems.fromAnswer(503, contentType, response.body());
                    if (!(failure instanceof UnavailableException)) {
                        failure = new UnavailableException("unavailable", 503, failure.detail(), failure);
                    }
                    Duration asked = retryAfter(response).orElseGet(backoff::next);
                    wait = asked.compareTo(initialBackoff) < 0 ? initialBackoff : asked;
                } else if (response.statusCode() == 404
                        && Problems.fromAnswer(404, contentType, response.body()) instanceof NotFoundException
                        && !serving(attempt)) {
                    // while a node starts or stops its HTTP server answers 404 for routes not registered (yet);
                    // no route saw the request, so even a call that must not be repeated may be sent again
                    failure = new UnavailableException("starting", 404, "the API at " + attempt.uri()
                            + " is not serving (readiness is not 200)", null);
                    wait = backoff.next();
                } else {
                    return new Answer(response.statusCode(), contentType, response.body());
                }
            } catch (HttpConnectTimeoutException | ConnectException e) {
                failure = new UnavailableException("unreachable", 0, "could not connect to " + attempt.uri()
                        + ": " + e, e);
                wait = backoff.next();
            } catch (IOException e) {
                if (repeat == Repeat.UNSENT_ONLY) {
                    throw new OutcomeUnknownException("outcome-unknown", 0, attempt.method() + " " + attempt.uri()
                            + " was sent and no answer came (" + e + "); it may have taken effect", e);
                }
                failure = new UnavailableException("unreachable", 0, "no answer from " + attempt.uri() + ": " + e, e);
                wait = backoff.next();
            }
            if (clock.instant().plus(wait).isAfter(deadline)) {
                throw failure;
            }
            Thread.sleep(wait.toMillis());
        }
    }

    /** Whether the API serves: its readiness answers 200 once its routes are registered. */
    private boolean serving(HttpRequest failed) throws InterruptedException {
        HttpRequest ready = HttpRequest.newBuilder(readiness).timeout(failed.timeout().orElse(Duration.ofSeconds(30)))
                .GET().build();
        try {
            return pooled.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static javax.net.ssl.SSLContext withoutTrust() {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has TLS", e);
        }
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date (RFC 9110 section 10.2.3). */
    private Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After").map(String::trim);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(header.get()))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(header.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration until = Duration.between(clock.instant(), at);
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
