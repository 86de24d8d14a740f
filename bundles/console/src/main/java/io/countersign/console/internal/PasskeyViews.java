package io.countersign.console.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ApprovalService;
import io.countersign.api.Passkey;
import io.countersign.api.PasskeyAttestations;
import io.countersign.api.Passkeys;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewResult;
import io.countersign.api.Reviewer;
import io.countersign.api.StepUp;
import io.countersign.api.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passkeys in the console: {@code /console/passkeys} lists the signed-in reviewer's passkeys and registers new ones
 * (verified by {@link PasskeyAttestations}, journaled by {@link Passkeys}); {@code /console/requests/ID/step-up}
 * approves a request whose route requires step-up with a WebAuthn assertion over the request's challenge
 * ({@link StepUp#challenge}). The relying party is the console itself: RP ID the host of {@code publicBaseUrl},
 * origin exactly its origin.
 */
final class PasskeyViews {

    static final String SCRIPT = "/console/static/passkey.js";
    /** How long a registration challenge stays usable: long enough to touch a security key, no longer. */
    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    static final String PATH = "/console/passkeys";
    /** Adding a passkey needs a sign-in this recent: a stolen session alone must not be able to add one. */
    static final Duration FRESH_SIGN_IN = Duration.ofMinutes(10);
    /** Passkeys one reviewer may register: each is journaled, kept in memory and in every snapshot. */
    static final int MAX_PASSKEYS = 10;
    private static final int MAX_NAME = 100;
    private static final Logger LOG = LoggerFactory.getLogger(PasskeyViews.class);

    private record Challenge(byte[] bytes, Instant expires) {
    }

    private final ConsoleRoute console;
    private final ApprovalService approvals;
    private final Passkeys passkeys;
    private final PasskeyAttestations attestations;
    private final String origin;
    private final String rpId;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** The registration challenge each session was last given; used once. */
    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
    private final byte[] script;

    PasskeyViews(ConsoleRoute console, ApprovalService approvals, Passkeys passkeys, PasskeyAttestations attestations,
                 String origin, Clock clock) {
        this.console = console;
        this.approvals = approvals;
        this.passkeys = passkeys;
        this.attestations = attestations;
        this.origin = origin;
        this.rpId = URI.create(origin).getHost();
        this.clock = clock;
        try (InputStream in = PasskeyViews.class.getResourceAsStream("passkey.js")) {
            if (in == null) {
                throw new IllegalStateException("the console asset passkey.js is missing");
            }
            this.script = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void addRoutes(ConsoleRoute routes) {
        routes.route("GET", SCRIPT, (request, response, callback, path) -> script(response, callback));
        routes.route("GET", PATH, (request, response, callback, path) ->
                console.withSession(request, response, callback, "/console/passkeys", session -> {
                    String added = Request.extractQueryParameters(request).getValue("added");
                    list(response, callback, session, 200, added == null ? null
                            : "Your passkey \u201c" + added + "\u201d was added.", false);
                }));
        routes.route("GET", "/console/passkeys/ids", (request, response, callback, path) ->
                console.withSession(request, response, callback, null, session -> ids(response, callback, session)));
        routes.route("POST", "/console/passkeys", (request, response, callback, path) ->
                console.withForm(request, response, callback, (session, form) ->
                        register(response, callback, session, form)));
        routes.route("POST", ConsoleRoute.REQUEST_PATH + "/step-up", (request, response, callback, path) ->
                console.withForm(request, response, callback, (session, form) ->
                        stepUp(response, callback, session, path.group(1), form)));
    }

    private void list(Response response, Callback callback, Sessions.Session session, int status, String notice,
                      boolean error) {
        byte[] challenge = new byte[32];
        random.nextBytes(challenge);
        Instant now = clock.instant();
        // a page opened and left is forgotten once its challenge expires, so the map stays as small as the sessions
        challenges.values().removeIf(old -> now.isAfter(old.expires()));
        challenges.put(session.id(), new Challenge(challenge, now.plus(CHALLENGE_LIFETIME)));
        List<Passkey> registered = passkeys.of(session.reviewer());
        ConsoleRoute.html(response, callback, status, PasskeyPages.list(console.viewer(session), session.csrf(),
                registered, new PasskeyPages.Ceremony(rpId, base64url(challenge),
                        base64url(session.reviewer().getBytes(StandardCharsets.UTF_8)), session.reviewer()),
                notice, error, cannotAdd(session, registered, now)));
    }

    /** Why this session may not add a passkey now, or {@code null} when it may. */
    static PasskeyPages.AddRefused cannotAdd(Sessions.Session session, List<Passkey> registered, Instant now) {
        if (registered.size() >= MAX_PASSKEYS) {
            return PasskeyPages.AddRefused.TOO_MANY;
        }
        if (session.identity().authenticatedAt().isBefore(now.minus(FRESH_SIGN_IN))) {
            return PasskeyPages.AddRefused.SIGN_IN_AGAIN;
        }
        return null;
    }

    private void register(Response response, Callback callback, Sessions.Session session, Map<String, String> form) {
        String name = form.getOrDefault("name", "").strip();
        Challenge challenge = challenges.remove(session.id());
        if (name.isEmpty() || name.length() > MAX_NAME) {
            list(response, callback, session, 400, "Give the passkey a name of 1 to " + MAX_NAME + " characters."
                    + " Nothing was added.", true);
            return;
        }
        if (form.getOrDefault("attestationObject", "").isEmpty()) {
            list(response, callback, session, 400, "No passkey was created: adding one needs JavaScript and a"
                    + " browser that supports passkeys. Nothing was added.", true);
            return;
        }
        PasskeyPages.AddRefused refused = cannotAdd(session, passkeys.of(session.reviewer()), clock.instant());
        if (refused != null) {
            list(response, callback, session, 403, refused.message() + " Nothing was added.", true);
            return;
        }
        if (challenge == null || clock.instant().isAfter(challenge.expires())) {
            list(response, callback, session, 400, "The page was open too long. Try again. Nothing was added.",
                    true);
            return;
        }
        Passkey passkey;
        try {
            passkey = attestations.verify(session.reviewer(), name, challenge.bytes(), rpId, origin,
                    form.get("clientDataJSON"), form.get("attestationObject"), clock.instant());
        } catch (IllegalArgumentException e) {
            LOG.info("passkey registration of {} refused: {}", session.reviewer(), e.getMessage());
            list(response, callback, session, 400, "The passkey could not be verified (" + e.getMessage()
                    + "). Nothing was added.", true);
            return;
        }
        passkeys.register(passkey).whenComplete((registered, failure) -> {
            if (failure == null) {
                redirect(response, callback, "/console/passkeys?added="
                        + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8));
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof IllegalArgumentException) {
                list(response, callback, session, 409, "This passkey is already registered. Nothing was added.",
                        true);
            } else {
                LOG.error("the passkey of {} could not be journaled", session.reviewer(), cause);
                list(response, callback, session, 503, "The passkey could not be recorded; nothing was added."
                        + " Try again in a moment.", true);
            }
        });
    }

    private void stepUp(Response response, Callback callback, Sessions.Session session, String id,
                        Map<String, String> form) {
        String comment = form.getOrDefault("comment", "").strip();
        String digest = form.get("digest");
        Optional<Reviewer> reviewer = console.reviewer(session);
        if (digest == null || comment.length() > Pages.MAX_COMMENT) {
            ConsoleRoute.html(response, callback, 400, Pages.message("The form is incomplete", "Nothing was changed.",
                    400));
            return;
        }
        if (reviewer.isEmpty()) {
            ConsoleRoute.html(response, callback, 403, Pages.message("Not a reviewer", "Nothing was changed.", 403));
            return;
        }
        StepUp.Assertion assertion;
        try {
            assertion = new StepUp.Assertion(form.get("credentialId"), form.get("authenticatorData"),
                    form.get("clientDataJSON"), form.get("signature"));
        } catch (IllegalArgumentException e) {
            ConsoleRoute.html(response, callback, 400, PasskeyPages.notRecorded(console.viewer(session),
                    session.csrf(), id, "Approving this request needs your passkey, and no passkey answer came"
                            + " with the form (" + e.getMessage() + "). Use \u201cApprove with passkey\u201d with"
                            + " JavaScript on. Nothing was changed."));
            return;
        }
        ObjectNode artifact = ConsoleRoute.signedIn(session);
        artifact.set(StepUp.ARTIFACT_MEMBER, assertion.toJson());
        ReviewEvidence evidence = ConsoleRoute.evidence(session, id, digest, artifact);
        approvals.review(reviewer.get(), id, Verdict.APPROVE, comment.isEmpty() ? null : comment, evidence)
                .whenComplete((result, failure) -> {
                    if (failure != null) {
                        LOG.error("the step-up approval of {} could not be recorded", id, failure);
                        ConsoleRoute.html(response, callback, 503, Pages.message("Try again in a moment",
                                "Your decision could not be recorded; nothing was changed.", 503));
                    } else if (result.isEmpty()) {
                        ConsoleRoute.html(response, callback, 404, Pages.message("Not found",
                                "There is no such request.", 404));
                    } else if (result.get() instanceof ReviewResult.Refused refused) {
                        ConsoleRoute.html(response, callback, 409, PasskeyPages.notRecorded(console.viewer(session),
                                session.csrf(), id, "Not recorded (" + refused.reason().code() + "): "
                                        + (refused.detail() == null ? "" : refused.detail())));
                    } else {
                        redirect(response, callback, "/console/requests/" + id + "?recorded=approve");
                    }
                });
    }

    /** The credential ids the step-up script may offer the authenticator: the signed-in reviewer's only. */
    private void ids(Response response, Callback callback, Sessions.Session session) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        com.fasterxml.jackson.databind.node.ArrayNode ids = json.putArray("ids");
        passkeys.of(session.reviewer()).forEach(passkey -> ids.add(passkey.credentialId()));
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(json.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }

    private void script(Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/javascript; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(script), callback);
    }

    private static void redirect(Response response, Callback callback, String location) {
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, null, callback);
    }

    static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

}
