package io.countersign.channel.email.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ApprovalService;
import io.countersign.api.ChannelEvent;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.Directory;
import io.countersign.api.RequestView;
import io.countersign.api.RequesterActivity;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.notify.NotificationLog;
import io.countersign.camel.RequestSummary;
import io.countersign.http.Exchanges;
import io.countersign.http.FormOrigin;
import io.countersign.http.HttpRoute;
import io.countersign.http.Problem;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page a review email links to, {@code /review/{requestId}/{token}}.
 * <p>
 * {@code GET} only shows the request and a form, whatever it is sent: mail scanners follow every link, so opening
 * one decides nothing (it is journaled once per token as {@code channel.viewed}). The decision is a {@code POST} of
 * that form carrying the link's one-time token (in the path), a double-submit CSRF token (cookie and field) and the
 * digest shown; it goes to {@link ApprovalService#review} with the token's hash as the replay key.
 * <p>
 * The token is not an identity: a forwarded email carries its power. The security reference (§1.3) asks that
 * deciding also require an OIDC login of the reviewer; that step belongs to the console and is not done here.
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=" + ReviewLink.PREFIX,
        configurationPid = EmailChannel.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class ReviewPage implements HttpRoute {

    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private static final Logger LOG = LoggerFactory.getLogger(ReviewPage.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_FORM_BYTES = 16 * 1024;
    private static final int MAX_USER_AGENT = 300;
    private static final int MAX_REMEMBERED_TOKENS = 100_000;

    private final ApprovalService approvals;
    private final Directory directory;
    private final NotificationLog log;
    private final EmailSettings settings;
    private final Clock clock;
    private final CsrfCookie cookie;
    private final FormOrigin formOrigin;
    private final LinkTokens csrfTokens = new LinkTokens();
    private final TokenMemory memory = new TokenMemory(MAX_REMEMBERED_TOKENS);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConsoleLinks console;

    @Activate
    public ReviewPage(@Reference ApprovalService approvals, @Reference Directory directory,
                      @Reference NotificationLog log, EmailConfig config) {
        this(approvals, directory, log, EmailSettings.from(config), Clock.systemUTC());
    }

    ReviewPage(ApprovalService approvals, Directory directory, NotificationLog log, EmailSettings settings,
               Clock clock) {
        this.approvals = approvals;
        this.directory = directory;
        this.log = log;
        this.settings = settings;
        this.clock = clock;
        this.cookie = new CsrfCookie(settings.secureLinks());
        this.formOrigin = new FormOrigin(settings.origin());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("POST")) {
            Exchanges.methodNotAllowed(response, callback, "GET, POST");
            return true;
        }
        String path = Request.getPathInContext(request);
        Optional<ReviewLink> link = ReviewLink.parse(path);
        if (link.isEmpty()) {
            refuse(request, response, callback, Refusal.TOKEN_UNKNOWN, ReviewLink.claimedRequestId(path), null,
                    evidence(request, null), "the path names no review link");
            return true;
        }
        Instant now = clock.instant();
        Optional<IssuedToken> token = IssuedToken.find(log, link.get().requestId(), link.get().token());
        if (token.isEmpty()) {
            refuse(request, response, callback, Refusal.TOKEN_UNKNOWN, link.get().requestId(), null,
                    evidence(request, LinkTokens.hash(link.get().token())), "no email delivery has this token");
            return true;
        }
        if (token.get().expiredAt(now)) {
            refuse(request, response, callback, Refusal.TOKEN_EXPIRED, token.get().requestId(),
                    token.get().reviewer(), evidence(request, token.get().tokenHash()),
                    "the token expired at " + token.get().expiresAt());
            return true;
        }
        if (method.equals("GET")) {
            show(request, response, callback, link.get(), token.get(), now);
        } else {
            decide(request, response, callback, link.get(), token.get());
        }
        return true;
    }

    /** Shows the request; never decides, whatever the query says. */
    private void show(Request request, Response response, Callback callback, ReviewLink link, IssuedToken token,
                      Instant now) {
        Optional<RequestView> view = approvals.find(token.requestId());
        if (view.isEmpty()) {
            refuse(request, response, callback, Refusal.REQUEST_UNKNOWN, token.requestId(), token.reviewer(),
                    evidence(request, token.tokenHash()), "the request of a known token is gone");
            return;
        }
        RequestSummary summary = RequestSummary.of(view.get(), console);
        String csrf = cookie.read(token.tokenHash(), request.getHeaders().getValuesList(HttpHeader.COOKIE))
                .orElseGet(csrfTokens::next);
        URI action = null;
        String notice = null;
        if (memory.isUsed(token) || votedWith(view.get(), token)) {
            notice = "This link was already used to record a decision; it cannot be used again.";
        } else if (!summary.isPending()) {
            notice = "This request is already decided: " + summary.outcome() + ".";
        } else {
            action = link.under(settings.publicBaseUrl());
        }
        String page = ReviewPages.review(summary, new ReviewPages.Context(reviewingAs(view.get(), token),
                requesterHistory(view.get()), now), action, csrf, notice);
        String setCookie = action == null ? null : cookie.setCookie(token.tokenHash(), csrf,
                Duration.between(now, token.expiresAt()));
        Runnable answer = () -> html(response, callback, 200, page, setCookie);
        if (!memory.firstView(token, now)) {
            answer.run();
            return;
        }
        ObjectNode evidence = evidence(request, token.tokenHash());
        record(new ChannelEvent(EmailChannel.NAME, ChannelEvent.Kind.VIEWED, "link-opened",
                "the review link was opened (by a person or a mail scanner); nothing was decided",
                token.requestId(), token.reviewer(), evidence)).whenComplete((ignored, failure) -> answer.run());
    }

    /** Who the link decides as, and for which of the groups that may review now: no reviewer should have to guess. */
    private String reviewingAs(RequestView view, IssuedToken token) {
        Optional<Reviewer> reviewer = directory.reviewer(token.reviewer());
        java.util.List<String> groups = view.eligibleGroups().stream()
                .filter(group -> reviewer.map(found -> found.groups().contains(group)).orElse(false)).toList();
        String who = "You are reviewing as " + token.reviewer() + " (" + token.address() + ")";
        return groups.isEmpty() ? who + ", who is not in a group that may review this request now."
                : who + " for " + String.join(" and ", groups) + ".";
    }

    /** How often the agent asked for this action lately; omitted when the core cannot say. */
    private String requesterHistory(RequestView view) {
        String agent = view.request().action().requester();
        String action = view.request().action().action();
        try {
            RequesterActivity activity = approvals.activity(agent, action);
            return agent + " asked for " + action + " " + times(activity.today()) + " today (UTC) and "
                    + times(activity.lastHour()) + " in the last hour, this request included.";
        } catch (RuntimeException e) {
            LOG.debug("no requester history for request {} ({})", view.id(), e.toString());
            return null;
        }
    }

    private static String times(long count) {
        return count == 1 ? "once" : count + " times";
    }

    /** The core's record of the token's vote: unlike {@link TokenMemory} it survives a restart. */
    private static boolean votedWith(RequestView view, IssuedToken token) {
        String replayKey = replayKey(token);
        return view.votes().stream().anyMatch(vote -> replayKey.equals(vote.evidence().replayKey()));
    }

    private static String replayKey(IssuedToken token) {
        return "email:" + token.tokenHash();
    }

    private void decide(Request request, Response response, Callback callback, ReviewLink link, IssuedToken token) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        Optional<String> crossOrigin = formOrigin.refusal(origin, request.getHeaders().get("Sec-Fetch-Site"));
        if (crossOrigin.isPresent()) {
            ObjectNode evidence = evidence(request, token.tokenHash());
            if (origin != null) {
                evidence.put("origin", SummaryRenderer.oneLine(origin));
            }
            refuse(request, response, callback, Refusal.CSRF, token.requestId(), token.reviewer(), evidence,
                    crossOrigin.get());
            return;
        }
        if (!FormBody.isForm(request.getHeaders().get(HttpHeader.CONTENT_TYPE))) {
            refuse(request, response, callback, Refusal.BAD_FORM, token.requestId(), token.reviewer(),
                    evidence(request, token.tokenHash()), "the body is not application/x-www-form-urlencoded");
            return;
        }
        if (request.getLength() > MAX_FORM_BYTES) {
            refuse(request, response, callback, Refusal.BAD_FORM, token.requestId(), token.reviewer(),
                    evidence(request, token.tokenHash()), "the form is larger than " + MAX_FORM_BYTES + " bytes");
            return;
        }
        Content.Source.asByteArrayAsync(request, MAX_FORM_BYTES + 1).whenComplete((bytes, readFailure) -> {
            if (readFailure != null || bytes.length > MAX_FORM_BYTES) {
                refuse(request, response, callback, Refusal.BAD_FORM, token.requestId(), token.reviewer(),
                        evidence(request, token.tokenHash()), "the form could not be read or is too large");
                return;
            }
            try {
                applyForm(request, response, callback, link, token, FormBody.parse(bytes));
            } catch (FormBody.InvalidForm e) {
                refuse(request, response, callback, Refusal.BAD_FORM, token.requestId(), token.reviewer(),
                        evidence(request, token.tokenHash()), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("review form of request {} failed", token.requestId(), e);
                unavailable(request, response, callback);
            }
        });
    }

    private void applyForm(Request request, Response response, Callback callback, ReviewLink link,
                           IssuedToken token, Map<String, String> form) {
        ObjectNode evidence = evidence(request, token.tokenHash());
        Optional<String> cookieValue = cookie.read(token.tokenHash(),
                request.getHeaders().getValuesList(HttpHeader.COOKIE));
        String field = form.get("csrf");
        if (cookieValue.isEmpty() || field == null || !LinkTokens.same(cookieValue.get(), field)) {
            String why = cookieValue.isEmpty() ? "no CSRF cookie" : field == null ? "no CSRF field"
                    : "the CSRF field differs from the cookie";
            refuse(request, response, callback, Refusal.CSRF, token.requestId(), token.reviewer(), evidence, why);
            return;
        }
        Verdict verdict = Verdict.fromWire(form.get("verdict"));
        String digest = form.get("digest");
        String comment = form.getOrDefault("comment", "").strip();
        if (verdict == null || digest == null || digest.isBlank() || digest.length() > 200
                || comment.length() > ReviewPages.MAX_COMMENT) {
            refuse(request, response, callback, Refusal.BAD_FORM, token.requestId(), token.reviewer(), evidence,
                    "the form needs verdict=approve|deny, the digest shown, and a comment of at most "
                            + ReviewPages.MAX_COMMENT + " characters");
            return;
        }
        if (verdict == Verdict.DENY && comment.isEmpty()) {
            refuse(request, response, callback, Refusal.REASON_MISSING, token.requestId(), token.reviewer(),
                    evidence, "a denial without a reason");
            return;
        }
        // who decides is the directory's answer for the address the token was sent to, and must still be the
        // reviewer the token was issued for
        Optional<Reviewer> reviewer = directory.reviewerByContact(EmailChannel.NAME, token.address())
                .filter(found -> found.id().equals(token.reviewer()));
        if (reviewer.isEmpty()) {
            refuse(request, response, callback, Refusal.REVIEWER_UNKNOWN, token.requestId(), null, evidence,
                    "the directory maps the token's address to no reviewer, or to another one");
            return;
        }
        Instant now = clock.instant();
        if (token.expiredAt(now)) {
            refuse(request, response, callback, Refusal.TOKEN_EXPIRED, token.requestId(), token.reviewer(),
                    evidence, "the token expired at " + token.expiresAt());
            return;
        }
        // a denial usually ends the request for everyone, so a person confirms it on a second page (no script
        // runs here: the CSP forbids it); programs that ask for JSON decide in one step
        if (verdict == Verdict.DENY && !"yes".equals(form.get("confirm")) && !wantsJson(request)) {
            String title = approvals.find(token.requestId()).map(view -> RequestSummary.of(view).title())
                    .orElse(token.requestId());
            html(response, callback, 200, ReviewPages.confirmDenial(title, link.under(settings.publicBaseUrl()),
                    field, digest, comment), null);
            return;
        }
        if (!memory.claim(token, now)) {
            refuse(request, response, callback, Refusal.TOKEN_USED, token.requestId(), token.reviewer(), evidence,
                    "this token already decided once");
            return;
        }
        ObjectNode artifact = JSON.objectNode();
        artifact.put("tokenHash", token.tokenHash());
        artifact.put("csrfChecked", true);
        artifact.put("userAgent", evidence.path("userAgent").asText(""));
        if (token.messageId() != null) {
            artifact.put("messageId", token.messageId());
        }
        ReviewEvidence reviewEvidence = new ReviewEvidence(EmailChannel.NAME, replayKey(token), digest,
                artifact);
        CompletionStage<Optional<ReviewResult>> review;
        try {
            review = approvals.review(reviewer.get(), token.requestId(), verdict, comment.isEmpty() ? null : comment,
                    reviewEvidence);
        } catch (RuntimeException e) {
            review = CompletableFuture.failedFuture(e);
        }
        review.whenComplete((result, failure) -> {
            if (failure != null) {
                memory.release(token);
                LOG.error("the review of request {} through email could not be recorded", token.requestId(), failure);
                unavailable(request, response, callback);
            } else if (result.isEmpty()) {
                refuse(request, response, callback, Refusal.REQUEST_UNKNOWN, token.requestId(), token.reviewer(),
                        evidence, "the core knows no such request");
            } else if (result.get() instanceof ReviewResult.Refused refused) {
                answerCoreRefusal(request, response, callback, refused);
            } else {
                answerAccepted(request, response, callback, verdict, result.get().view());
            }
        });
    }

    private void answerAccepted(Request request, Response response, Callback callback, Verdict verdict,
                                RequestView view) {
        RequestSummary summary = RequestSummary.of(view, console);
        if (wantsJson(request)) {
            ObjectNode body = JSON.objectNode();
            body.put("status", "accepted");
            body.put("verdict", verdict.wireName());
            body.put("request", view.id());
            body.put("requestStatus", view.status().wireName());
            summary.votes().forEach(body.putArray("votes")::add);
            Exchanges.json(response, callback, 200, body);
            return;
        }
        html(response, callback, 200, ReviewPages.accepted(verdict, summary), null);
    }

    /** The core journaled this refusal with the evidence; only the answer is left. */
    private void answerCoreRefusal(Request request, Response response, Callback callback,
                                   ReviewResult.Refused refused) {
        String code = refused.reason().code();
        String heading = switch (refused.reason()) {
            case SELF_APPROVAL -> "You cannot review your own request";
            case NOT_ELIGIBLE -> "You are not a reviewer of this request";
            case ALREADY_VOTED -> "You have already reviewed this request";
            case NOT_PENDING -> "This request is already decided";
            case REPLAYED -> "This review link was already used";
            case DIGEST_MISMATCH -> "The request changed since you saw it";
            case STEP_UP_REQUIRED -> "This approval needs a passkey: approve it in the console";
        };
        int status = switch (refused.reason()) {
            case SELF_APPROVAL, NOT_ELIGIBLE, STEP_UP_REQUIRED -> 403;
            case ALREADY_VOTED, NOT_PENDING, REPLAYED, DIGEST_MISMATCH -> 409;
        };
        String detail = refused.detail() == null ? heading : refused.detail();
        if (wantsJson(request)) {
            Exchanges.problem(response, callback, new Problem(status, code, heading, detail));
            return;
        }
        html(response, callback, status, ReviewPages.refused(heading, code, detail), null);
    }

    private void refuse(Request request, Response response, Callback callback, Refusal refusal, String requestId,
                        String reviewer, ObjectNode evidence, String detail) {
        LOG.debug("email review refused ({}): {}", refusal.code(), detail);
        ChannelEvent event = new ChannelEvent(EmailChannel.NAME, ChannelEvent.Kind.REFUSED, refusal.code(), detail,
                requestId, reviewer, evidence);
        record(event).whenComplete((ignored, failure) -> {
            if (wantsJson(request)) {
                Exchanges.problem(response, callback, new Problem(refusal.status(), refusal.code(),
                        refusal.heading(), refusal.detail()));
            } else {
                html(response, callback, refusal.status(),
                        ReviewPages.refused(refusal.heading(), refusal.code(), refusal.detail()), null);
            }
        });
    }

    private void unavailable(Request request, Response response, Callback callback) {
        String detail = "Your decision could not be recorded; nothing was changed. Try again in a moment.";
        if (wantsJson(request)) {
            Exchanges.problem(response, callback, Problem.unavailable(detail), Map.of("Retry-After", "5"));
        } else {
            html(response, callback, 503, ReviewPages.refused("Try again in a moment", "unavailable", detail), null);
        }
    }

    private CompletionStage<Void> record(ChannelEvent event) {
        try {
            return approvals.recordChannelEvent(event).exceptionally(failure -> {
                LOG.warn("could not journal the email channel event {} ({})", event.code(), failure.toString());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("could not journal the email channel event {} ({})", event.code(), e.toString());
            return CompletableFuture.completedFuture(null);
        }
    }

    private static ObjectNode evidence(Request request, String tokenHash) {
        ObjectNode evidence = JSON.objectNode();
        if (tokenHash != null) {
            evidence.put("tokenHash", tokenHash);
        }
        String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
        if (userAgent != null) {
            String line = SummaryRenderer.oneLine(userAgent);
            evidence.put("userAgent", line.length() <= MAX_USER_AGENT ? line : line.substring(0, MAX_USER_AGENT));
        }
        evidence.put("method", request.getMethod());
        return evidence;
    }

    private static boolean wantsJson(Request request) {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && (accept.contains("application/json") || accept.contains("application/problem+json"))
                && !accept.contains("text/html");
    }

    private static void html(Response response, Callback callback, int status, String page, String setCookie) {
        response.setStatus(status);
        Exchanges.closeUnlessBodyConsumed(response);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("Content-Security-Policy", CSP);
        // same-origin, not no-referrer: with no-referrer Chromium posts the form with Origin: null (see FormOrigin);
        // the page loads and links nothing from elsewhere, so the token in its URL still never leaves the origin
        response.getHeaders().put("Referrer-Policy", ReviewPages.REFERRER_POLICY);
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        if (setCookie != null) {
            response.getHeaders().add(HttpHeader.SET_COOKIE, setCookie);
        }
        response.write(true, ByteBuffer.wrap(page.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
