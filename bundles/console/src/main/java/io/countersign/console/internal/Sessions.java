package io.countersign.console.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in sessions and sign-ins under way, in memory only: a restart signs everyone out, which is the safe side for
 * short sessions. A session ends after {@code idle} without use or {@code max} after sign-in, whichever comes first.
 * Each is bounded in number, so unauthenticated callers starting sign-ins cannot fill the heap.
 */
final class Sessions {

    static final int MAX_SESSIONS = 10_000;
    static final int MAX_SIGN_INS = 10_000;
    static final Duration SIGN_IN_LIFETIME = Duration.ofMinutes(10);

    /** A reviewer signed in: who, as the provider said, and the token that must come with every form they post. */
    record Session(String id, String reviewer, OidcProvider.Identity identity, String csrf, Instant started,
                   Instant lastUsed) {
    }

    /** A sign-in sent to the provider and not back yet. */
    record SignIn(String state, String nonce, String codeVerifier, String returnTo, Instant started) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, SignIn> signIns = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Duration max;
    private final Clock clock;

    Sessions(Duration idle, Duration max, Clock clock) {
        this.idle = idle;
        this.max = max;
        this.clock = clock;
    }

    SignIn startSignIn(String returnTo) {
        purge();
        if (signIns.size() >= MAX_SIGN_INS) {
            throw new IllegalStateException("too many sign-ins under way");
        }
        SignIn signIn = new SignIn(Pkce.random(), Pkce.random(), Pkce.random(), returnTo, clock.instant());
        signIns.put(signIn.state(), signIn);
        return signIn;
    }

    /** The sign-in of this state, once: a state is never accepted twice. */
    Optional<SignIn> finishSignIn(String state) {
        if (state == null) {
            return Optional.empty();
        }
        SignIn signIn = signIns.remove(state);
        if (signIn == null || signIn.started().plus(SIGN_IN_LIFETIME).isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(signIn);
    }

    Session open(String reviewer, OidcProvider.Identity identity) {
        purge();
        if (sessions.size() >= MAX_SESSIONS) {
            throw new IllegalStateException("too many sessions");
        }
        Instant now = clock.instant();
        Session session = new Session(Pkce.random(), reviewer, identity, Pkce.random(), now, now);
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session of this id, its use recorded; empty when unknown or expired (then it is gone). */
    Optional<Session> use(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        if (expired(session, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session used = new Session(session.id(), session.reviewer(), session.identity(), session.csrf(),
                session.started(), now);
        sessions.replace(id, session, used);
        return Optional.of(used);
    }

    void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    private boolean expired(Session session, Instant now) {
        return !session.lastUsed().plus(idle).isAfter(now) || !session.started().plus(max).isAfter(now);
    }

    private void purge() {
        Instant now = clock.instant();
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (expired(it.next(), now)) {
                it.remove();
            }
        }
        signIns.values().removeIf(signIn -> signIn.started().plus(SIGN_IN_LIFETIME).isBefore(now));
    }
}
