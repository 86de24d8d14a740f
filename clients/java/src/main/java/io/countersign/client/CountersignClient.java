package io.countersign.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An agent's or enforcement point's client of Countersign's HTTP API. Thread-safe; one per agent key.
 * See the package documentation for a complete example.
 */
public final class CountersignClient {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final URI base;
    private final String agentKey;
    private final Duration requestTimeout;
    private final Duration retryFor;
    private final Duration longestPoll;
    private final Clock clock;
    private final Transport transport;

    private CountersignClient(Builder builder) {
        String url = builder.baseUrl.toString();
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.agentKey = builder.agentKey;
        this.requestTimeout = builder.requestTimeout;
        this.retryFor = builder.retryFor;
        this.longestPoll = builder.longestPoll;
        this.clock = Clock.systemUTC();
        this.transport = new Transport(base.resolve(base.getPath() + "/v1/health/ready"), builder.connectTimeout,
                builder.initialBackoff, builder.maxBackoff, clock);
    }

    /** A client of the server at {@code baseUrl} (such as {@code http://127.0.0.1:8181}) with an agent's API key. */
    public static Builder builder(URI baseUrl, String agentKey) {
        return new Builder(baseUrl, agentKey);
    }

    /**
     * Asks for {@code action}, with the idempotency key {@link IdempotencyKeys#derive} gives for it, so that asking
     * again after a crash returns the same request ({@link Submission#replayed()}).
     */
    public Submission submit(Action action, String justification) throws CountersignException, InterruptedException {
        return submit(action, justification, null);
    }

    /**
     * Asks for {@code action} as one distinct occurrence (a pipeline run, a ticket): the same occurrence asked again
     * returns the request it made the first time; another occurrence makes a new request.
     *
     * @throws UnexpectedAnswerException when the digest the server recorded is not the digest of the action sent
     */
    public Submission submit(Action action, String justification, String occurrence)
            throws CountersignException, InterruptedException {
        String key = IdempotencyKeys.derive(action, justification, occurrence);
        ObjectNode body = action.toJson();
        body.put("justification", justification);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        Transport.Answer answer = transport.send(() -> post("/v1/actions", bytes).header("Idempotency-Key", key)
                .build(), Transport.Repeat.SAFE, clock.instant().plus(retryFor));
        ActionRequest request = expect(answer, 201, 200);
        String digest = action.digest(request.requester());
        if (!digest.equals(request.digest())) {
            throw new UnexpectedAnswerException("unexpected-answer", answer.status(), "request " + request.id()
                    + " was recorded with digest " + request.digest() + ", the action sent has " + digest, null);
        }
        return new Submission(request, answer.status() == 200, key);
    }

    /** The request as it is now. */
    public ActionRequest get(String requestId) throws CountersignException, InterruptedException {
        Transport.Answer answer = transport.send(() -> get(requestId, null).build(), Transport.Repeat.SAFE,
                clock.instant().plus(retryFor));
        return expect(answer, 200);
    }

    /** {@link #await(String, Instant, Consumer)} without watching the changes. */
    public Outcome await(String requestId, Instant deadline) throws CountersignException, InterruptedException {
        return await(requestId, deadline, request -> { });
    }

    /**
     * Waits until the request is decided or {@code deadline} comes, long-polling ({@code ?wait=}; the server ends a
     * long poll when the status changes, so votes and escalations are seen at the end of each poll, at most
     * {@link Builder#longestPoll} apart). A server that restarts, or a connection that fails, meanwhile is waited for
     * (with backoff) as long as the deadline allows; the request is durable on the server, so the wait resumes where
     * it was.
     *
     * @param onChange called with the request when first read and whenever it changed (a vote, an escalation)
     * @return {@link Outcome.Pending} when the deadline came first
     * @throws UnavailableException when the server could not be reached at all before the deadline
     */
    public Outcome await(String requestId, Instant deadline, Consumer<ActionRequest> onChange)
            throws CountersignException, InterruptedException {
        ActionRequest last = null;
        while (true) {
            Transport.Answer answer;
            // the first read does not wait, so that the caller sees the request as it is at once
            boolean waitForChange = last != null;
            try {
                answer = transport.send(() -> poll(requestId, waitForChange ? deadline : clock.instant()),
                        Transport.Repeat.SAFE, deadline);
            } catch (UnavailableException e) {
                if (last == null) {
                    throw e;
                }
                return new Outcome.Pending(last);
            }
            ActionRequest seen = expect(answer, 200);
            if (last == null || seen.version() != last.version()) {
                onChange.accept(seen);
            }
            last = seen;
            if (seen.status().isTerminal() || !clock.instant().isBefore(deadline)) {
                return Outcome.of(seen);
            }
        }
    }

    /**
     * Consumes the grant just before running the action: presents the action exactly as it is about to run, and the
     * server checks it against the approved one. Succeeds once per grant. It is not sent twice: after a failure that
     * leaves open whether it arrived it throws {@link OutcomeUnknownException}, and the action must not run.
     *
     * @throws ActionMismatchException       the action is not the approved one
     * @throws GrantAlreadyConsumedException the grant was used before
     * @throws GrantExpiredException         the grant's time ran out
     */
    public ActionRequest consume(Grant grant, Action aboutToRun) throws CountersignException, InterruptedException {
        String token = grant.tokenIfPresent().orElseThrow(() -> new IllegalArgumentException(
                "grant " + grant.id() + " has no token: only the agent that asked receives it"));
        ObjectNode body = JSON.objectNode();
        body.put("grant", token);
        body.set("action", aboutToRun.toJson());
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        Transport.Answer answer = transport.send(() -> post("/v1/grants/consume", bytes).build(),
                Transport.Repeat.UNSENT_ONLY, clock.instant().plus(retryFor));
        return expect(answer, 200);
    }

    /** Reports what happened when the action ran; once, after the grant was consumed. Not sent twice either. */
    public ActionRequest reportExecution(String requestId, ExecutionReport report)
            throws CountersignException, InterruptedException {
        ObjectNode body = JSON.objectNode();
        body.put("outcome", report.success() ? "success" : "failure");
        if (report.resultDigest() != null) {
            body.put("resultDigest", report.resultDigest());
        }
        if (report.affected() != null) {
            body.put("affected", report.affected());
        }
        if (report.detail() != null) {
            body.put("detail", report.detail());
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        Transport.Answer answer = transport.send(() -> post("/v1/actions/" + encode(requestId) + "/execution", bytes)
                .build(), Transport.Repeat.UNSENT_ONLY, clock.instant().plus(retryFor));
        return expect(answer, 200);
    }

    private HttpRequest poll(String requestId, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        Duration wait = left.isNegative() ? Duration.ZERO : left.compareTo(longestPoll) > 0 ? longestPoll : left;
        return get(requestId, wait).timeout(wait.plus(requestTimeout)).build();
    }

    private HttpRequest.Builder get(String requestId, Duration wait) {
        String query = wait == null ? "" : "?wait=" + wait.toMillis() + "ms";
        return HttpRequest.newBuilder(base.resolve(base.getPath() + "/v1/actions/" + encode(requestId) + query))
                .timeout(requestTimeout).header("Authorization", "Bearer " + agentKey)
                .header("Accept", "application/json").GET();
    }

    private HttpRequest.Builder post(String path, byte[] body) {
        return HttpRequest.newBuilder(base.resolve(base.getPath() + path)).timeout(requestTimeout)
                .header("Authorization", "Bearer " + agentKey).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static ActionRequest expect(Transport.Answer answer, int... statuses) throws CountersignException {
        for (int status : statuses) {
            if (answer.status() == status) {
                return Views.request(answer.body());
            }
        }
        throw Problems.fromAnswer(answer.status(), answer.contentType(), answer.body());
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The client's settings; every duration has a default. */
    public static final class Builder {
        private final URI baseUrl;
        private final String agentKey;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration retryFor = Duration.ofMinutes(2);
        private Duration longestPoll = Duration.ofSeconds(30);
        private Duration initialBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(10);

        private Builder(URI baseUrl, String agentKey) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            this.agentKey = Objects.requireNonNull(agentKey, "agentKey");
        }

        /** How long to wait for a connection (5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout);
            return this;
        }

        /** How long to wait for one answer (30 s); a long poll waits its {@code wait} on top of this. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout);
            return this;
        }

        /**
         * How long a call other than {@code await} keeps retrying while the server is unreachable or answers 503
         * (2 minutes). {@code await} retries until its own deadline.
         */
        public Builder retryFor(Duration budget) {
            this.retryFor = Objects.requireNonNull(budget);
            return this;
        }

        /** The longest single long poll (30 s; the server caps it at its own maximum, 60 s by default). */
        public Builder longestPoll(Duration poll) {
            this.longestPoll = positive(poll);
            return this;
        }

        /** The first and the longest wait between retries (250 ms, 10 s); a {@code Retry-After} overrides them. */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial);
            this.maxBackoff = positive(max);
            return this;
        }

        public CountersignClient build() {
            return new CountersignClient(this);
        }

        private static Duration positive(Duration duration) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("must be positive: " + duration);
            }
            return duration;
        }
    }
}
