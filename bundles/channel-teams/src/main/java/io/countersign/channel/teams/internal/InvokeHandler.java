package io.countersign.channel.teams.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ApprovalService;
import io.countersign.api.ChannelEvent;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.Directory;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.json.JsonInputException;
import io.countersign.api.json.StrictJson;
import io.countersign.http.Problem;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one activity posted by the Bot Connector into an answer. Three separate checks: the JWT proves the Bot
 * Connector sent it (else 401/403, journaled as {@code channel.refused}); {@code from.aadObjectId} is looked up in
 * the directory, never a name or an email; {@link ApprovalService#review} judges eligibility. A click that passes
 * the first check is answered with a card (Universal Actions), so the reviewer sees the outcome or why it failed.
 */
final class InvokeHandler {

    static final String CHANNEL = TeamsChannel.NAME;
    static final String INVOKE_NAME = "adaptiveCard/action";

    private static final Logger LOG = LoggerFactory.getLogger(InvokeHandler.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_EVIDENCE_CHARS = 512;
    private static final int MAX_PEEKED_TOKEN_CHARS = 8192;
    private static final String NOT_YOURS = "You are not a reviewer of this request.";

    private final TeamsSettings settings;
    private final BotJwtVerifier verifier;
    private final ReplayGuard replays;
    private final ApprovalService approvals;
    private final Directory directory;
    private final Supplier<ConsoleLinks> console;

    /** What to write back: a JSON body, or a problem. */
    record Answer(int status, JsonNode body, Problem problem) {
        static Answer json(JsonNode body) {
            return new Answer(200, body, null);
        }

        static Answer problem(Problem problem) {
            return new Answer(problem.status(), null, problem);
        }
    }

    /** What arrived, for the record of a refusal. */
    private record Arrival(String token, byte[] body, JsonNode activity) {
    }

    InvokeHandler(TeamsSettings settings, BotJwtVerifier verifier, ReplayGuard replays, ApprovalService approvals,
                  Directory directory, Supplier<ConsoleLinks> console) {
        this.console = console;
        this.settings = settings;
        this.verifier = verifier;
        this.replays = replays;
        this.approvals = approvals;
        this.directory = directory;
    }

    /** @param token the bearer token, or {@code null} when there was none */
    CompletionStage<Answer> handle(String token, byte[] body) {
        JsonNode activity;
        try {
            activity = StrictJson.parseObject(body);
        } catch (JsonInputException e) {
            activity = null;
        }
        Arrival arrival = new Arrival(token, body, activity);
        if (token == null) {
            return refuse(arrival, "jwt-missing", "no Bot Framework JWT in Authorization: Bearer", null,
                    new Problem(401, "jwt-missing", "Credentials are missing or wrong",
                            "a Bot Framework JWT is required: Authorization: Bearer <token>"));
        }
        if (activity == null) {
            return refuse(arrival, "malformed-activity", "the body is not a JSON activity", null,
                    Problem.badRequest("malformed-activity", "the body must be a Bot Framework activity (JSON)"));
        }
        String channelId = activity.path("channelId").asText("");
        if (!settings.channelId().equals(channelId)) {
            return forbid(arrival, "channel-id", "channelId " + channelId + " is not " + settings.channelId());
        }
        BotJwtVerifier.Verified verified;
        try {
            verified = verifier.verify(token, channelId, activity.path("serviceUrl").asText(null));
        } catch (JwtRejection rejection) {
            return forbid(arrival, rejection.code(), rejection.getMessage());
        } catch (OpenIdKeys.KeysUnavailable e) {
            return refuse(arrival, "jwks-unavailable", e.getMessage(), null,
                    Problem.unavailable("the Bot Framework signing keys are unavailable; try again"));
        }
        Optional<String> tenantProblem = tenantProblem(activity);
        if (tenantProblem.isPresent()) {
            return forbid(arrival, "tenant", tenantProblem.get());
        }
        if (!"invoke".equals(activity.path("type").asText())) {
            return CompletableFuture.completedFuture(Answer.json(JSON.objectNode()));
        }
        if (!INVOKE_NAME.equals(activity.path("name").asText())) {
            return CompletableFuture.completedFuture(Answer.problem(new Problem(501, "not-implemented",
                    "Not implemented", "this bot answers only " + INVOKE_NAME + " invokes")));
        }
        String activityId = activity.path("id").asText("");
        if (activityId.isEmpty()) {
            return refuse(arrival, "malformed-activity", "the invoke has no activity id", null,
                    Problem.badRequest("malformed-activity", "the activity has no id"));
        }
        switch (replays.remember(activityId, verified.expiresAt().plus(settings.clockSkew()))) {
            case REPLAYED:
                return forbid(arrival, "replayed", "activity " + activityId + " was already received");
            case FULL:
                return refuse(arrival, "replay-guard-full", "too many clicks are being remembered", null,
                        Problem.unavailable("too many clicks at once; try again"));
            default:
                break;
        }
        return act(arrival, verified, activityId);
    }

    private CompletionStage<Answer> act(Arrival arrival, BotJwtVerifier.Verified verified, String activityId) {
        JsonNode activity = arrival.activity();
        JsonNode action = activity.path("value").path("action");
        String verb = action.path("verb").asText("");
        String requestId = textOrNull(action.path("data").path("requestId"));
        String digest = textOrNull(action.path("data").path("digest"));
        String aadObjectId = textOrNull(activity.path("from").path("aadObjectId"));
        Optional<Reviewer> reviewer = aadObjectId == null ? Optional.empty()
                : directory.reviewerByContact(CHANNEL, aadObjectId);
        if (reviewer.isEmpty()) {
            return refuseWithCard(arrival, "unknown-reviewer", "no reviewer has the Teams contact " + aadObjectId,
                    requestId, null, "Your Microsoft Entra account is not registered as a Countersign reviewer.");
        }
        String reviewerId = reviewer.get().id();
        if (requestId == null || digest == null) {
            return refuseWithCard(arrival, "malformed-action", "the action data lacks requestId or digest",
                    requestId, reviewerId, "This card is not one Countersign sent.");
        }
        if (TeamsCards.VERB_REFRESH.equals(verb)) {
            Optional<RequestView> view = approvals.find(requestId);
            ObjectNode card = view.isEmpty() ? TeamsCards.noticeCard(TeamsCards.BANNER_PENDING,
                    "This request is no longer available.")
                    : mayView(view.get(), reviewer.get()) ? TeamsCards.forReviewer(view.get(), reviewerId,
                            TeamsCards.BANNER_REVIEW, console.get())
                    : TeamsCards.noticeCard(TeamsCards.BANNER_PENDING, NOT_YOURS);
            return CompletableFuture.completedFuture(Answer.json(TeamsCards.invokeResponse(card)));
        }
        Verdict verdict = Verdict.fromWire(verb);
        if (verdict == null) {
            return refuseWithCard(arrival, "unknown-verb", "verb " + verb + " is neither approve nor deny",
                    requestId, reviewerId, "This action is not one Countersign offers.");
        }
        ReviewEvidence evidence = new ReviewEvidence(CHANNEL, CHANNEL + ":" + activityId, digest,
                artifact(arrival, verified));
        return approvals.review(reviewer.get(), requestId, verdict, null, evidence)
                .thenCompose(result -> {
                    if (result.isEmpty()) {
                        return refuseWithCard(arrival, "unknown-request", "no request " + requestId, requestId,
                                reviewerId, "Countersign knows no such request.");
                    }
                    ObjectNode card;
                    if (result.get() instanceof ReviewResult.Refused refused) {
                        card = refused.view() != null && mayView(refused.view(), reviewer.get())
                                ? TeamsCards.refusedVote(refused.view(), refused.reason(), refused.detail(),
                                        console.get())
                                : TeamsCards.refusedVote(null, refused.reason(), NOT_YOURS, null);
                    } else {
                        card = TeamsCards.afterVote(result.get().view(), verdict, console.get());
                    }
                    return CompletableFuture.completedFuture(Answer.json(TeamsCards.invokeResponse(card)));
                })
                .exceptionally(failure -> {
                    LOG.error("the review of {} by {} through Teams failed", requestId, reviewerId, failure);
                    return Answer.problem(Problem.unavailable("the vote could not be recorded; try again"));
                });
    }

    /** The auditor's copy: Microsoft's signed JWT, the published key that verified it, and the activity. */
    private ObjectNode artifact(Arrival arrival, BotJwtVerifier.Verified verified) {
        ObjectNode artifact = JSON.objectNode();
        artifact.put("jwt", arrival.token());
        artifact.set("jwk", verified.key().jwk());
        artifact.put("openIdMetadataUrl", settings.openIdMetadataUrl().toString());
        artifact.set("activity", arrival.activity());
        artifact.put("activitySha256", Hashes.sha256(arrival.body()));
        return artifact;
    }

    /**
     * The action data comes from the Teams client, so any request id can arrive: the request is shown only to the
     * reviewers its route names (or who voted on it).
     */
    private static boolean mayView(RequestView view, Reviewer reviewer) {
        boolean voted = view.votes().stream().anyMatch(v -> v.reviewer().equals(reviewer.id()));
        return voted || reviewer.groups().stream().anyMatch(view.eligibleGroups()::contains);
    }

    private Optional<String> tenantProblem(JsonNode activity) {
        String conversationTenant = textOrNull(activity.path("conversation").path("tenantId"));
        String channelDataTenant = textOrNull(activity.path("channelData").path("tenant").path("id"));
        if (conversationTenant == null && channelDataTenant == null) {
            return Optional.of("the activity names no tenant");
        }
        if (conversationTenant != null && channelDataTenant != null
                && !conversationTenant.toLowerCase(Locale.ROOT).equals(channelDataTenant.toLowerCase(Locale.ROOT))) {
            return Optional.of("conversation.tenantId " + conversationTenant + " and channelData.tenant.id "
                    + channelDataTenant + " differ");
        }
        String tenant = conversationTenant != null ? conversationTenant : channelDataTenant;
        return settings.isAllowedTenant(tenant) ? Optional.empty()
                : Optional.of("tenant " + tenant + " is not allowed");
    }

    private CompletionStage<Answer> forbid(Arrival arrival, String code, String detail) {
        return refuse(arrival, code, detail, null, Problem.forbidden(code, detail));
    }

    private CompletionStage<Answer> refuseWithCard(Arrival arrival, String code, String detail, String requestId,
                                                   String reviewerId, String shown) {
        Answer answer = Answer.json(TeamsCards.invokeResponse(TeamsCards.noticeCard(TeamsCards.BANNER_REFUSED,
                shown)));
        return record(new ChannelEvent(CHANNEL, ChannelEvent.Kind.REFUSED, code, detail, requestId, reviewerId,
                evidence(arrival)), answer);
    }

    private CompletionStage<Answer> refuse(Arrival arrival, String code, String detail, String reviewerId,
                                           Problem problem) {
        String requestId = arrival.activity() == null ? null
                : textOrNull(arrival.activity().path("value").path("action").path("data").path("requestId"));
        return record(new ChannelEvent(CHANNEL, ChannelEvent.Kind.REFUSED, code, detail, requestId, reviewerId,
                evidence(arrival)), Answer.problem(problem));
    }

    private CompletionStage<Answer> record(ChannelEvent event, Answer answer) {
        LOG.info("refused a Teams activity: {} ({})", event.code(), event.detail());
        return approvals.recordChannelEvent(event).handle((ignored, failure) -> {
            if (failure != null) {
                LOG.error("could not journal the refusal {}", event.code(), failure);
            }
            return answer;
        });
    }

    /** Hashes and claims only: the token itself is kept just for votes, where it is the evidence. */
    private static ObjectNode evidence(Arrival arrival) {
        ObjectNode evidence = JSON.objectNode();
        if (arrival.token() != null) {
            evidence.put("tokenSha256", Hashes.sha256(arrival.token()));
            if (arrival.token().length() <= MAX_PEEKED_TOKEN_CHARS) {
                evidence.setAll(CompactJwt.peek(arrival.token()));
            }
        }
        evidence.put("bodySha256", Hashes.sha256(arrival.body()));
        evidence.put("bodyBytes", arrival.body().length);
        JsonNode activity = arrival.activity();
        if (activity != null) {
            copy(activity, evidence, "id", "activityId");
            copy(activity, evidence, "type", "type");
            copy(activity, evidence, "name", "name");
            copy(activity, evidence, "channelId", "channelId");
            copy(activity, evidence, "serviceUrl", "serviceUrl");
            copy(activity, evidence, "replyToId", "replyToId");
            copy(activity.path("from"), evidence, "id", "fromId");
            copy(activity.path("from"), evidence, "aadObjectId", "aadObjectId");
            copy(activity.path("conversation"), evidence, "id", "conversationId");
            copy(activity.path("conversation"), evidence, "tenantId", "conversationTenantId");
            copy(activity.path("channelData").path("tenant"), evidence, "id", "channelDataTenantId");
            JsonNode action = activity.path("value").path("action");
            copy(action, evidence, "verb", "verb");
            copy(action.path("data"), evidence, "requestId", "requestId");
            copy(action.path("data"), evidence, "digest", "digest");
        }
        return evidence;
    }

    private static void copy(JsonNode from, ObjectNode to, String field, String as) {
        JsonNode value = from.path(field);
        if (value.isValueNode()) {
            String text = value.asText();
            to.put(as, text.length() <= MAX_EVIDENCE_CHARS ? text : text.substring(0, MAX_EVIDENCE_CHARS) + "…");
        }
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }
}
