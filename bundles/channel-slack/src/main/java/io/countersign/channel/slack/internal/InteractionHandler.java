package io.countersign.channel.slack.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ApprovalService;
import io.countersign.api.ChannelEvent;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.Directory;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.http.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one interactivity callback into a vote, or into a journaled refusal that changes nothing. Three checks, never
 * merged: the request is Slack's (signature, freshness, workspace, app, not a replay); the clicker is a reviewer
 * (their Slack user id is one of the directory's contacts); and that reviewer may vote now (the core decides,
 * exactly as for the HTTP API). Slack is answered as soon as the outcome is journaled; the clicker then sees it
 * through the callback's response_url.
 */
final class InteractionHandler {

    static final String CHANNEL = "slack";

    private static final Logger LOG = LoggerFactory.getLogger(InteractionHandler.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final Runnable NOTHING = () -> { };

    /**
     * What to answer Slack, and what to do once that answer is sent.
     *
     * @param problem {@code null} for a plain 200 with an empty body
     */
    record Answer(int status, Problem problem, Runnable then) {
        static Answer ok(Runnable then) {
            return new Answer(200, null, then);
        }

        static Answer refused(Problem problem) {
            return new Answer(problem.status(), problem, NOTHING);
        }
    }

    /** The raw request as received, and what has been learnt about it so far: the basis of every record. */
    private record Received(byte[] body, String timestamp, String signature, Boolean signatureValid,
                            Interaction claims) {
        ObjectNode evidence() {
            ObjectNode evidence = JSON.objectNode();
            evidence.put("bodySha256", sha256(body));
            evidence.put("bodyBytes", body.length);
            if (timestamp != null) {
                evidence.put("timestamp", timestamp);
            }
            if (signatureValid != null) {
                evidence.put("signatureValid", signatureValid);
            }
            if (claims != null) {
                ObjectNode payload = evidence.putObject(Boolean.TRUE.equals(signatureValid) ? "payload" : "claimed");
                claims.describe(payload);
            }
            return evidence;
        }
    }

    private final ApprovalService approvals;
    private final Directory directory;
    private final SlackSignature signature;
    private final ReplayGuard replays;
    private final ResponseUrl responses;
    private final SlackSettings settings;
    private final Clock clock;
    private final Supplier<ConsoleLinks> console;

    InteractionHandler(ApprovalService approvals, Directory directory, SlackSettings settings, ResponseUrl responses,
                       Clock clock, Supplier<ConsoleLinks> console) {
        this.console = console;
        this.approvals = approvals;
        this.directory = directory;
        this.settings = settings.requireInbound();
        this.signature = new SlackSignature(settings.signingSecret());
        this.replays = new ReplayGuard(clock, 100_000);
        this.responses = responses;
        this.clock = clock;
    }

    /** A body that was larger than {@link SlackSettings#maxBodyBytes()}; only its size is known. */
    CompletionStage<Answer> tooLarge(long declaredLength) {
        ObjectNode evidence = JSON.objectNode().put("declaredLength", declaredLength)
                .put("maxBodyBytes", settings.maxBodyBytes());
        return record("body-too-large", "the body is larger than " + settings.maxBodyBytes() + " bytes", null, null,
                evidence, Answer.refused(new Problem(413, "body-too-large", "Request body too large",
                        "an interactivity callback is at most " + settings.maxBodyBytes() + " bytes")));
    }

    CompletionStage<Answer> handle(List<String> timestamps, List<String> signatures, String contentType,
                                   byte[] body) {
        if (timestamps.isEmpty() || signatures.isEmpty()) {
            Received received = new Received(body, first(timestamps), null, null, claims(body));
            return unauthenticated(received, "missing-signature", "the " + SlackSignature.SIGNATURE_HEADER
                    + " and " + SlackSignature.TIMESTAMP_HEADER + " headers are required");
        }
        if (timestamps.size() > 1 || signatures.size() > 1) {
            return unauthenticated(new Received(body, first(timestamps), null, false, claims(body)), "bad-signature",
                    "the Slack signature headers must be sent once each");
        }
        String timestamp = timestamps.get(0);
        OptionalLong seconds = SlackSignature.seconds(timestamp);
        if (seconds.isEmpty()) {
            return unauthenticated(new Received(body, timestamp, null, false, claims(body)), "bad-signature",
                    "the request timestamp must be whole seconds since the epoch");
        }
        boolean valid = signature.matches(timestamp, signatures.get(0), body);
        Received received = new Received(body, timestamp, signatures.get(0), valid, claims(body));
        if (!SlackSignature.isFresh(seconds.getAsLong(), clock.instant().getEpochSecond())) {
            return unauthenticated(received, "stale-timestamp", "the request timestamp is more than "
                    + SlackSignature.WINDOW_SECONDS + " s from now");
        }
        if (!valid) {
            return unauthenticated(received, "bad-signature", "the Slack signature does not match the body");
        }
        return authentic(received, seconds.getAsLong(), contentType);
    }

    private CompletionStage<Answer> authentic(Received received, long timestampSeconds, String contentType) {
        if (!isForm(contentType)) {
            return record("malformed-payload", "an interactivity callback is " + FORM, null, null, received,
                    Answer.refused(new Problem(415, "unsupported-media-type", "Unsupported media type",
                            "send the callback as " + FORM)));
        }
        Interaction click;
        try {
            click = Interaction.parse(received.body());
        } catch (Interaction.Malformed e) {
            return record("malformed-payload", e.getMessage(), null, null, received,
                    Answer.refused(Problem.badRequest("malformed-payload", e.getMessage())));
        }
        if (!"block_actions".equals(click.type())) {
            return record("unsupported-interaction", "interactions of type " + click.type() + " are not handled",
                    null, null, received, Answer.ok(NOTHING));
        }
        if (ReviewMessage.OPEN_CONSOLE.equals(click.actionId())) {
            // the browser opened the console: the decision is made there, with a passkey
            return CompletableFuture.completedFuture(Answer.ok(NOTHING));
        }
        List<String> missing = click.missing();
        if (!missing.isEmpty()) {
            String detail = "the payload lacks " + String.join(", ", missing);
            return record("malformed-payload", detail, null, null, received,
                    Answer.refused(Problem.badRequest("malformed-payload", detail)));
        }
        if (!settings.teamIds().contains(click.teamId())) {
            return record("wrong-team", "clicks from Slack team " + click.teamId() + " are not accepted", null, null,
                    received, Answer.ok(NOTHING));
        }
        if (!settings.appIds().contains(click.apiAppId())) {
            return record("wrong-app", "clicks for Slack app " + click.apiAppId() + " are not accepted", null, null,
                    received, Answer.ok(NOTHING));
        }
        Verdict verdict = Verdict.fromWire(click.actionId());
        if (verdict == null) {
            return record("unsupported-interaction", "action " + click.actionId() + " is neither approve nor deny",
                    null, null, received, Answer.ok(NOTHING));
        }
        Optional<ButtonValue> pointer = ButtonValue.decode(click.value());
        if (pointer.isEmpty()) {
            String detail = "the button's value does not name a Countersign request";
            return record("malformed-payload", detail, null, null, received,
                    Answer.refused(Problem.badRequest("malformed-payload", detail)));
        }
        String requestId = pointer.get().requestId();
        if (!replays.firstSeen(click.replayKey(), timestampSeconds)) {
            return record("replayed", "this click was already received", requestId, null, received,
                    Answer.ok(NOTHING));
        }
        Optional<Reviewer> reviewer = directory.reviewerByContact(CHANNEL, click.userId());
        if (reviewer.isEmpty()) {
            return record("unknown-reviewer", "Slack user " + click.userId() + " is not linked to a reviewer",
                    requestId, null, received, Answer.ok(() -> responses.ephemeral(click.responseUrl(),
                            ReviewMessage.note("Your Slack account is not linked to a Countersign reviewer, so "
                                    + "nothing was counted. Ask an administrator to link it."))));
        }
        ReviewEvidence evidence = new ReviewEvidence(CHANNEL, click.replayKey(), pointer.get().digest(),
                artifact(received, click, clock));
        CompletionStage<Optional<ReviewResult>> review;
        try {
            review = approvals.review(reviewer.get(), requestId, verdict, null, evidence);
        } catch (RuntimeException e) {
            review = CompletableFuture.failedFuture(e);
        }
        return review
                .thenCompose(result -> answer(result, click, reviewer.get(), verdict, requestId, received))
                .exceptionally(failure -> {
                    LOG.error("recording a Slack vote on {} failed", requestId, failure);
                    return new Answer(503, Problem.unavailable("the vote could not be recorded; try again"),
                            () -> responses.ephemeral(click.responseUrl(), ReviewMessage.note("Countersign could "
                                    + "not record your vote. Check the request before you try again.")));
                });
    }

    private CompletionStage<Answer> answer(Optional<ReviewResult> result, Interaction click, Reviewer reviewer,
                                           Verdict verdict, String requestId, Received received) {
        if (result.isEmpty()) {
            return record("unknown-request", "no request " + requestId, requestId, reviewer.id(), received,
                    Answer.ok(() -> responses.ephemeral(click.responseUrl(), ReviewMessage.note(
                            "Countersign no longer knows this request, so nothing was counted."))));
        }
        if (result.get() instanceof ReviewResult.Refused refused) {
            LOG.info("Slack vote of {} on {} refused by the core: {}", reviewer.id(), requestId,
                    refused.reason().code());
            return CompletableFuture.completedFuture(Answer.ok(() -> responses.ephemeral(click.responseUrl(),
                    ReviewMessage.note(refusalNote(refused.reason(), verdict, refused.view())))));
        }
        RequestView view = result.get().view();
        return CompletableFuture.completedFuture(Answer.ok(() -> {
            if (settings.channel() == null) {
                responses.replace(click.responseUrl(), ReviewMessage.forReviewer(view, reviewer.id(), false, null,
                        console.get()));
            } else {
                // a shared channel's message is everyone's: replacing it would hide it from the reviewer it is for
                responses.ephemeral(click.responseUrl(), ReviewMessage.forReviewer(view, reviewer.id(), false,
                        null, console.get()));
            }
        }));
    }

    static String refusalNote(RefusalReason reason, Verdict verdict, RequestView view) {
        String nothing = " Nothing was counted.";
        return switch (reason) {
            case SELF_APPROVAL -> (verdict == Verdict.APPROVE ? "You cannot approve your own request"
                    : "You cannot review your own request") + ", or one made on your behalf." + nothing;
            case NOT_ELIGIBLE -> "You are not in a group that may review this request." + nothing;
            case ALREADY_VOTED -> "You have already voted on this request; your first vote stands.";
            case NOT_PENDING -> "This request is no longer pending"
                    + (view == null ? "" : " (" + view.status().wireName() + ")") + "." + nothing;
            case REPLAYED -> "This click was already counted." + nothing;
            case DIGEST_MISMATCH -> "This message shows another version of the request than Countersign holds."
                    + nothing;
            case STEP_UP_REQUIRED -> "This request needs a passkey to approve: open it in the console." + nothing;
        };
    }

    /**
     * What an auditor can re-check later: the signed bytes, timestamp and signature. Slack's v0 signature is an
     * HMAC with a secret we share with Slack, so it proves the click to us, not to a third party: anyone holding the
     * signing secret (us included) could have produced it. It is kept as our own record, not as non-repudiation.
     */
    private static ObjectNode artifact(Received received, Interaction click, Clock clock) {
        ObjectNode artifact = JSON.objectNode();
        artifact.put("scheme", "slack-v0-hmac-sha256");
        artifact.put("timestamp", received.timestamp());
        artifact.put("signature", received.signature());
        boolean ascii = true;
        for (byte b : received.body()) {
            ascii &= b >= 0;
        }
        if (ascii) {
            artifact.put("body", new String(received.body(), StandardCharsets.US_ASCII));
        } else {
            artifact.put("bodyBase64", java.util.Base64.getEncoder().encodeToString(received.body()));
        }
        artifact.put("bodySha256", sha256(received.body()));
        click.describe(artifact.putObject("payload"));
        artifact.put("verifiedAt", clock.instant().toString());
        return artifact;
    }

    private CompletionStage<Answer> unauthenticated(Received received, String code, String detail) {
        return record(code, detail, null, null, received,
                Answer.refused(new Problem(401, code, "Not a verified Slack request", detail)));
    }

    private CompletionStage<Answer> record(String code, String detail, String requestId, String reviewerId,
                                           Received received, Answer answer) {
        return record(code, detail, requestId, reviewerId, received.evidence(), answer);
    }

    private CompletionStage<Answer> record(String code, String detail, String requestId, String reviewerId,
                                           ObjectNode evidence, Answer answer) {
        LOG.info("Slack callback refused: {} ({})", code, detail);
        CompletionStage<Void> recorded;
        try {
            recorded = approvals.recordChannelEvent(new ChannelEvent(CHANNEL, ChannelEvent.Kind.REFUSED, code,
                    detail, requestId, reviewerId, evidence));
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        return recorded.handle((ignored, failure) -> {
            if (failure != null) {
                LOG.warn("journaling a refused Slack callback ({}) failed", code, failure);
            }
            return answer;
        });
    }

    /** The payload's claims for the record of a refusal, if the body can be read at all. */
    private static Interaction claims(byte[] body) {
        try {
            return Interaction.parse(body);
        } catch (Interaction.Malformed e) {
            return null;
        }
    }

    private static boolean isForm(String contentType) {
        return contentType != null
                && contentType.split(";")[0].trim().toLowerCase(Locale.ROOT).equals(FORM);
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
