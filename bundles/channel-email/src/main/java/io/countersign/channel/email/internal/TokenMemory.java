package io.countersign.channel.email.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which link tokens this node has seen opened and used. Entries live until their token expires (plus a margin):
 * after that the token is refused as expired anyway. Bounded: beyond {@code maxEntries} the oldest are forgotten,
 * and a forgotten used token is still refused by the core ({@code REPLAYED}, durable across restarts).
 */
final class TokenMemory {

    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final int maxEntries;
    private final Map<String, Instant> viewed = new LinkedHashMap<>();
    private final Map<String, Instant> used = new LinkedHashMap<>();

    TokenMemory(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** True the first time a token is opened. */
    synchronized boolean firstView(IssuedToken token, Instant now) {
        return remember(viewed, token, now);
    }

    /** Claims a token for its one decision: true for exactly one caller. */
    synchronized boolean claim(IssuedToken token, Instant now) {
        return remember(used, token, now);
    }

    /** Gives back a claim whose decision could not be recorded (the core failed), so the reviewer can retry. */
    synchronized void release(IssuedToken token) {
        used.remove(token.tokenHash());
    }

    synchronized boolean isUsed(IssuedToken token) {
        return used.containsKey(token.tokenHash());
    }

    private boolean remember(Map<String, Instant> entries, IssuedToken token, Instant now) {
        if (entries.containsKey(token.tokenHash())) {
            return false;
        }
        if (entries.size() >= maxEntries) {
            forgetExpired(entries, now);
        }
        if (entries.size() >= maxEntries) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        entries.put(token.tokenHash(), token.expiresAt().plus(MARGIN));
        return true;
    }

    private static void forgetExpired(Map<String, Instant> entries, Instant now) {
        entries.values().removeIf(until -> until.isBefore(now));
    }
}
