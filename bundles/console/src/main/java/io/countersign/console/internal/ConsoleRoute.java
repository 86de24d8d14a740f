package io.countersign.console.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ApprovalService;
import io.countersign.api.ChannelEvent;
import io.countersign.api.Checkpoints;
import io.countersign.api.Directory;
import io.countersign.api.EvidenceBundles;
import io.countersign.api.Journal;
import io.countersign.api.LedgerAnchoring;
import io.countersign.api.PasskeyAttestations;
import io.countersign.api.Passkeys;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.http.Exchanges;
import io.countersign.http.FormOrigin;
import io.countersign.http.HttpRoute;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console under {@code /console/}: sign-in through the OpenID Connect provider, the inbox (live through
 * Server-Sent Events), and the request page where a reviewer approves, or denies with a reason.
 * <p>
 * Forms carry the session's CSRF token and must come from the console's own origin ({@link FormOrigin}); the session
 * cookie is {@code HttpOnly}, {@code SameSite=Lax} (so a link from Slack, Teams or an email opens the request signed
 * in) and, over https, {@code Secure} with the {@code __Host-} prefix.
 */
@Component(service = HttpRoute.class, property = HttpRoute.PREFIX + "=/console",
        configurationPid = ConsoleRoute.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ConsoleConfig.class)
public final class ConsoleRoute implements HttpRoute {

    static final String PID = "io.countersign.console.web";
    static final String CHANNEL = "console";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoute.class);
    static final String REQUEST_PATH = "/console/requests/([A-Za-z0-9-]{1,64})";
    private static final int MAX_FORM_BYTES = 16 * 1024;

    private final ApprovalService approvals;
    private final Directory directory;
    private final ConsoleSettings settings;
    private final OidcProvider provider;
    private final Sessions sessions;
    private final InboxEvents events;
    private final FormOrigin formOrigin;
    private final Clock clock;
    private final Map<String, byte[]> assets = new HashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final AuditorViews auditorViews;
    private volatile LedgerAnchoring anchoring;

    @Activate
    public ConsoleRoute(@Reference ApprovalService approvals, @Reference Directory directory,
                        @Reference Journal journal, @Reference Checkpoints checkpoints,
                        @Reference EvidenceBundles evidence, @Reference Passkeys passkeys,
                        @Reference PasskeyAttestations attestations, ConsoleConfig config) {
        this(approvals, directory, new AuditTrail(journal, checkpoints, evidence), ConsoleSettings.from(config),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), Clock.systemUTC());
        new PasskeyViews(this, approvals, passkeys, attestations, settings.origin(), clock).addRoutes(this);
    }

    ConsoleRoute(ApprovalService approvals, Directory directory, AuditTrail auditTrail, ConsoleSettings settings,
                 HttpClient http, Clock clock) {
        this.approvals = approvals;
        this.directory = directory;
        this.settings = settings;
        this.clock = clock;
        this.provider = new OidcProvider(settings, http, clock);
        this.sessions = new Sessions(settings.sessionIdle(), settings.sessionMax(), clock);
        this.events = new InboxEvents(directory::reviewer);
        this.formOrigin = new FormOrigin(settings.origin());
        assets.put("/console/static/console.css", asset("console.css"));
        assets.put("/console/static/inbox.js", asset("inbox.js"));
        this.auditorViews = new AuditorViews(this, approvals, auditTrail,
                () -> Optional.ofNullable(anchoring).map(LedgerAnchoring::status), clock);
        addRoutes();
        new ChangeRecordPage(this, approvals, auditTrail.journal()).addRoutes(this);
        approvals.addListener(events);
    }

    /** Anchoring on Fabric, while it is configured: its status shows on the ledger page. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetAnchoring")
    void setAnchoring(LedgerAnchoring anchoring) {
        this.anchoring = anchoring;
    }

    void unsetAnchoring(LedgerAnchoring gone) {
        if (anchoring == gone) {
            anchoring = null;
        }
    }

    @Deactivate
    void deactivate() {
        approvals.removeListener(events);
        events.close();
    }

    /** What one console page or form does once its method and path matched; {@code path} holds the path's groups. */
    interface Handler {
        void handle(Request request, Response response, Callback callback, Matcher path);
    }

    /** One entry of the dispatch table: a method and a whole-path pattern. */
    private record Route(String method, Pattern path, Handler handler) {
    }

    /** Adds a page or form to the console: {@code path} must match the whole path in context. */
    void route(String method, String path, Handler handler) {
        routes.add(new Route(method, Pattern.compile(path), handler));
    }

    private void addRoutes() {
        route("GET", "/console/login", (request, response, callback, path) ->
                signIn(request, response, callback, "/console/"));
        // adding a passkey needs a recent sign-in: the provider is asked to authenticate the user again
        route("GET", "/console/login/fresh", (request, response, callback, path) ->
                signIn(request, response, callback, PasskeyViews.PATH, true));
        route("GET", "/console/callback", (request, response, callback, path) ->
                callback(request, response, callback));
        route("POST", "/console/logout", (request, response, callback, path) ->
                withForm(request, response, callback, (session, form) -> {
                    sessions.close(session.id());
                    response.getHeaders().add(HttpHeader.SET_COOKIE, sessionCookie("", Duration.ZERO));
                    redirect(response, callback, "/console/login");
                }));
        route("GET", "/console/?", (request, response, callback, path) ->
                withSession(request, response, callback, "/console/", session -> html(response, callback, 200,
                        Pages.inbox(viewer(session), pending(session), clock.instant(), session.csrf()))));
        route("GET", "/console/inbox", (request, response, callback, path) ->
                withSession(request, response, callback, null, session -> html(response, callback, 200,
                        Pages.inboxList(pending(session), clock.instant()))));
        route("GET", "/console/inbox/requests/([A-Za-z0-9-]{1,64})", (request, response, callback, path) ->
                withSession(request, response, callback, null, session -> inboxItem(response, callback, session,
                        path.group(1))));
        route("GET", "/console/events", (request, response, callback, path) ->
                withSession(request, response, callback, null, session -> stream(response, callback, session)));
        route("GET", REQUEST_PATH, (request, response, callback, path) -> {
            // after a decision the form redirects here (post/redirect/get), so a reload does not post again
            String recorded = Request.extractQueryParameters(request).getValue("recorded");
            String notice = "approve".equals(recorded) ? "Your approval was recorded."
                    : "deny".equals(recorded) ? "Your denial was recorded." : null;
            withSession(request, response, callback, Request.getPathInContext(request), session ->
                    showRequest(response, callback, session, path.group(1), 200, notice));
        });
        route("POST", REQUEST_PATH + "/review", (request, response, callback, path) ->
                withForm(request, response, callback, (session, form) -> review(response, callback, session,
                        path.group(1), form)));
        auditorViews.addRoutes(this);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            if (assets.containsKey(path)) {
                asset(response, callback, path);
                return true;
            }
            for (Route route : routes) {
                Matcher matcher = route.path().matcher(path);
                if (route.method().equals(method) && matcher.matches()) {
                    route.handler().handle(request, response, callback, matcher);
                    return true;
                }
            }
            html(response, callback, 404, Pages.message("Not found", "There is no such page.", 404));
        } catch (RuntimeException e) {
            LOG.error("console request {} {} failed", method, path, e);
            html(response, callback, 500, Pages.message("Something went wrong",
                    "Nothing was changed. Try again in a moment.", 500));
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------- sign-in

    private void signIn(Request request, Response response, Callback callback, String returnTo) {
        signIn(request, response, callback, returnTo, false);
    }

    private void signIn(Request request, Response response, Callback callback, String returnTo, boolean fresh) {
        Sessions.SignIn signIn;
        URI authorization;
        try {
            signIn = sessions.startSignIn(returnTo);
            authorization = provider.authorizationRequest(signIn.state(), signIn.nonce(), signIn.codeVerifier(),
                    fresh);
        } catch (IllegalStateException | IOException | OidcProvider.Rejected e) {
            LOG.warn("console sign-in could not start: {}", e.toString());
            html(response, callback, 503, Pages.message("Sign-in is unavailable",
                    "The sign-in provider cannot be reached. Try again in a moment.", 503));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            html(response, callback, 503, Pages.message("Sign-in is unavailable", "Try again in a moment.", 503));
            return;
        }
        // the state is also kept in a cookie of this browser: a callback that another browser started (login CSRF)
        // does not match it
        response.getHeaders().add(HttpHeader.SET_COOKIE, cookie(signInCookieName(), signIn.state(),
                Sessions.SIGN_IN_LIFETIME));
        redirect(response, callback, authorization.toString());
    }

    private void callback(Request request, Response response, Callback callback) {
        Fields query = Request.extractQueryParameters(request);
        String state = query.getValue("state");
        String code = query.getValue("code");
        String boundState = cookieValue(request, signInCookieName());
        Optional<Sessions.SignIn> signIn = state != null && state.equals(boundState) ? sessions.finishSignIn(state)
                : Optional.empty();
        if (signIn.isEmpty() || code == null) {
            refuseSignIn(response, callback, "sign-in-unknown", "the callback's state is unknown, used, expired or "
                    + "not this browser's" + (query.getValue("error") != null ? " (provider error "
                    + query.getValue("error") + ")" : ""), null);
            return;
        }
        OidcProvider.Identity identity;
        try {
            identity = provider.redeem(code, signIn.get().codeVerifier(), signIn.get().nonce());
        } catch (OidcProvider.Rejected e) {
            refuseSignIn(response, callback, "id-token-rejected", e.getMessage(), null);
            return;
        } catch (IOException e) {
            LOG.warn("console sign-in: the provider could not be reached ({})", e.toString());
            html(response, callback, 503, Pages.message("Sign-in is unavailable", "Try again in a moment.", 503));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            html(response, callback, 503, Pages.message("Sign-in is unavailable", "Try again in a moment.", 503));
            return;
        }
        Optional<Reviewer> reviewer = identity.email() == null ? Optional.empty()
                : directory.reviewerByContact("email", identity.email());
        if (reviewer.isEmpty()) {
            refuseSignIn(response, callback, "unknown-user", "the provider's user " + identity.subject()
                    + " (email " + identity.email() + ") is no reviewer in the directory", identity);
            return;
        }
        Sessions.Session session = sessions.open(reviewer.get().id(), identity);
        response.getHeaders().add(HttpHeader.SET_COOKIE, cookie(signInCookieName(), "", Duration.ZERO));
        response.getHeaders().add(HttpHeader.SET_COOKIE, sessionCookie(session.id(), settings.sessionMax()));
        redirect(response, callback, signIn.get().returnTo());
    }

    private void refuseSignIn(Response response, Callback callback, String code, String detail,
                              OidcProvider.Identity identity) {
        ObjectNode evidence = JsonNodeFactory.instance.objectNode();
        if (identity != null) {
            evidence.put("issuer", identity.issuer());
            evidence.put("subject", identity.subject());
        }
        record(new ChannelEvent(CHANNEL, ChannelEvent.Kind.REFUSED, code, detail, null, null, evidence));
        LOG.info("console sign-in refused ({}): {}", code, detail);
        String text = code.equals("unknown-user")
                ? "You signed in, but your account is not a reviewer here. Ask your Countersign administrator."
                : "The sign-in could not be completed. Start again.";
        html(response, callback, 403, Pages.message("Sign-in refused", text, 403));
    }

    // -------------------------------------------------------------------------------------- signed-in pages

    interface SessionAction {
        void run(Sessions.Session session);
    }

    interface FormAction {
        void run(Sessions.Session session, Map<String, String> form);
    }

    /** Runs {@code action} for a live session; otherwise sends a page to sign-in (or 401 for fetches). */
    void withSession(Request request, Response response, Callback callback, String returnTo,
                     SessionAction action) {
        Optional<Sessions.Session> session = sessions.use(cookieValue(request, sessionCookieName()));
        if (session.isPresent()) {
            action.run(session.get());
        } else if (returnTo != null) {
            signIn(request, response, callback, returnTo);
        } else {
            html(response, callback, 401, Pages.message("Signed out", "Your session ended. Sign in again.", 401));
        }
    }

    /** Reads a form post of a live session from the console's own origin with the session's CSRF token. */
    void withForm(Request request, Response response, Callback callback, FormAction action) {
        Optional<Sessions.Session> session = sessions.use(cookieValue(request, sessionCookieName()));
        if (session.isEmpty()) {
            html(response, callback, 401, Pages.message("Signed out", "Your session ended; nothing was changed. "
                    + "Sign in again.", 401));
            return;
        }
        Optional<String> crossOrigin = formOrigin.refusal(request.getHeaders().get(HttpHeader.ORIGIN),
                request.getHeaders().get("Sec-Fetch-Site"));
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (crossOrigin.isPresent() || contentType == null
                || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")
                || request.getLength() > MAX_FORM_BYTES) {
            html(response, callback, 403, Pages.message("The form could not be verified",
                    "Nothing was changed. Open the page again and repeat.", 403));
            return;
        }
        Content.Source.asByteArrayAsync(request, MAX_FORM_BYTES + 1).whenComplete((bytes, failure) -> {
            try {
                Map<String, String> form = failure != null || bytes.length > MAX_FORM_BYTES ? null : parse(bytes);
                if (form == null || !session.get().csrf().equals(form.get("csrf"))) {
                    html(response, callback, 403, Pages.message("The form could not be verified",
                            "Nothing was changed. Open the page again and repeat.", 403));
                    return;
                }
                action.run(session.get(), form);
            } catch (RuntimeException e) {
                LOG.error("console form failed", e);
                html(response, callback, 500, Pages.message("Something went wrong", "Nothing was changed.", 500));
            }
        });
    }

    private List<RequestView> pending(Sessions.Session session) {
        return directory.reviewer(session.reviewer()).map(approvals::pendingFor).orElse(List.of()).stream()
                .sorted(Comparator.comparing(RequestView::deadline, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
    }

    /** One request of the inbox when it is in it (200), or 204 when it is not (any more): what an event updates. */
    private void inboxItem(Response response, Callback callback, Sessions.Session session, String id) {
        Optional<RequestView> pending = pending(session).stream().filter(view -> view.id().equals(id)).findFirst();
        if (pending.isPresent()) {
            html(response, callback, 200, Pages.inboxItem(pending.get(), clock.instant()));
        } else {
            response.setStatus(204);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, null, callback);
        }
    }

    private void stream(Response response, Callback callback, Sessions.Session session) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (!events.open(session.reviewer(), response, callback)) {
            html(response, callback, 503, Pages.message("Too many open inboxes", "Reload later.", 503));
        }
    }

    private void showRequest(Response response, Callback callback, Sessions.Session session, String id,
                             int status, String notice) {
        Optional<RequestView> view = approvals.find(id);
        Optional<Reviewer> reviewer = directory.reviewer(session.reviewer());
        if (view.isEmpty() || reviewer.isEmpty() || !maySeeRequest(reviewer.get(), view.get())) {
            html(response, callback, 404, Pages.message("Not found",
                    "There is no such request, or it is not one you review.", 404));
            return;
        }
        boolean mayDecide = view.get().status() == RequestStatus.PENDING
                && view.get().eligibleGroups().stream().anyMatch(reviewer.get().groups()::contains)
                && view.get().votes().stream().noneMatch(vote -> vote.reviewer().equals(session.reviewer()));
        html(response, callback, status, Pages.request(viewer(session), view.get(), mayDecide, clock.instant(),
                session.csrf(), notice));
    }

    /** Who is signed in, for the page header: their name and the views besides the inbox they may open. */
    Pages.Viewer viewer(Sessions.Session session) {
        return new Pages.Viewer(session.reviewer(), directory.reviewer(session.reviewer()).map(this::isAuditor)
                .orElse(false));
    }

    boolean isAuditor(Reviewer reviewer) {
        return reviewer.groups().contains(settings.auditorGroup());
    }

    Optional<Reviewer> reviewer(Sessions.Session session) {
        return directory.reviewer(session.reviewer());
    }

    /** Whether a request's page and change record are shown to {@code reviewer}: its reviewers', and auditors'. */
    boolean maySeeRequest(Reviewer reviewer, RequestView view) {
        return maySee(reviewer, view) || isAuditor(reviewer);
    }

    /** Reviewers see the requests their groups are (or were, by escalation) asked to review. */
    private static boolean maySee(Reviewer reviewer, RequestView view) {
        return view.decision().route() != null && view.decision().route().groupsAt(Integer.MAX_VALUE).stream()
                .anyMatch(reviewer.groups()::contains);
    }

    private void review(Response response, Callback callback, Sessions.Session session, String id,
                        Map<String, String> form) {
        Verdict verdict = Verdict.fromWire(form.get("verdict"));
        String comment = form.getOrDefault("comment", "").strip();
        String digest = form.get("digest");
        if (verdict == null || digest == null || comment.length() > Pages.MAX_COMMENT) {
            html(response, callback, 400, Pages.message("The form is incomplete", "Nothing was changed.", 400));
            return;
        }
        if (verdict == Verdict.DENY && comment.isEmpty()) {
            showRequest(response, callback, session, id, 400, "A denial needs a reason: say why in the comment.");
            return;
        }
        Optional<Reviewer> reviewer = directory.reviewer(session.reviewer());
        if (reviewer.isEmpty()) {
            html(response, callback, 403, Pages.message("Not a reviewer", "Nothing was changed.", 403));
            return;
        }
        ReviewEvidence evidence = evidence(session, id, digest, signedIn(session));
        approvals.review(reviewer.get(), id, verdict, comment.isEmpty() ? null : comment, evidence)
                .whenComplete((result, failure) -> {
                    if (failure != null) {
                        LOG.error("the console review of {} could not be recorded", id, failure);
                        html(response, callback, 503, Pages.message("Try again in a moment",
                                "Your decision could not be recorded; nothing was changed.", 503));
                    } else if (result.isEmpty()) {
                        html(response, callback, 404, Pages.message("Not found", "There is no such request.", 404));
                    } else if (result.get() instanceof ReviewResult.Refused refused) {
                        showRequest(response, callback, session, id, 409, "Not recorded ("
                                + refused.reason().code() + "): " + (refused.detail() == null ? ""
                                : refused.detail()));
                    } else {
                        redirect(response, callback, "/console/requests/" + id + "?recorded=" + verdict.wireName());
                    }
                });
    }

    private void record(ChannelEvent event) {
        try {
            approvals.recordChannelEvent(event).exceptionally(failure -> {
                LOG.warn("could not journal the console event {} ({})", event.code(), failure.toString());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("could not journal the console event {} ({})", event.code(), e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private String sessionCookieName() {
        return settings.secureCookies() ? "__Host-countersign-console" : "countersign-console";
    }

    private String signInCookieName() {
        return settings.secureCookies() ? "__Host-countersign-signin" : "countersign-signin";
    }

    private String sessionCookie(String value, Duration maxAge) {
        return cookie(sessionCookieName(), value, maxAge);
    }

    private String cookie(String name, String value, Duration maxAge) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Lax"
                + (settings.secureCookies() ? "; Secure" : "");
    }

    private static String cookieValue(Request request, String name) {
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private static Map<String, String> parse(byte[] body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            if (form.putIfAbsent(name, value) != null) {
                return null;
            }
        }
        return form;
    }

    private static void redirect(Response response, Callback callback, String location) {
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, null, callback);
    }

    static void html(Response response, Callback callback, int status, String page) {
        response.setStatus(status);
        Exchanges.closeUnlessBodyConsumed(response);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("Content-Security-Policy", Pages.CSP);
        response.getHeaders().put("Referrer-Policy", "same-origin");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(page.getBytes(StandardCharsets.UTF_8)), callback);
    }

    private void asset(Response response, Callback callback, String path) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, path.endsWith(".css") ? "text/css; charset=utf-8"
                : "text/javascript; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(assets.get(path)), callback);
    }

    private static byte[] asset(String name) {
        try (InputStream in = ConsoleRoute.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the console asset " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a console vote's evidence says of who was signed in: the provider's identity and the session's hash. */
    static ObjectNode signedIn(Sessions.Session session) {
        ObjectNode artifact = JsonNodeFactory.instance.objectNode();
        artifact.put("issuer", session.identity().issuer());
        artifact.put("subject", session.identity().subject());
        if (session.identity().email() != null) {
            artifact.put("email", session.identity().email());
        }
        artifact.put("authenticatedAt", session.identity().authenticatedAt().toString());
        artifact.put("session", sha256(session.id()));
        return artifact;
    }

    /** A console vote's evidence; its replay key is the session's hash and the request. */
    static ReviewEvidence evidence(Sessions.Session session, String requestId, String digest, ObjectNode artifact) {
        return new ReviewEvidence(CHANNEL, CHANNEL + ":" + sha256(session.id()) + ":" + requestId, digest, artifact);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
