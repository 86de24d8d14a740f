package io.countersign.channel.teams.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the activity ids already seen, each until the token that carried it has expired (plus skew): within
 * that time a replay would otherwise pass every JWT check. Bounded: when full of live entries it refuses rather than
 * forgets. The core's replay key refuses replays durably; this only stops them before they reach it.
 */
final class ReplayGuard {

    enum Outcome { FIRST, REPLAYED, FULL }

    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final Clock clock;

    ReplayGuard(int maxEntries, Clock clock) {
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    Outcome remember(String key, Instant keepUntil) {
        Instant now = clock.instant();
        if (seen.size() >= maxEntries) {
            seen.values().removeIf(until -> until.isBefore(now));
            if (seen.size() >= maxEntries) {
                return Outcome.FULL;
            }
        }
        boolean[] first = {false};
        seen.compute(key, (k, until) -> {
            if (until == null || until.isBefore(now)) {
                first[0] = true;
                return keepUntil;
            }
            return until;
        });
        return first[0] ? Outcome.FIRST : Outcome.REPLAYED;
    }
}
