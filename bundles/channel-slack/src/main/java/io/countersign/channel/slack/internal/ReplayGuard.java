package io.countersign.channel.slack.internal;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the clicks seen recently so a replayed callback is refused before it reaches the core. A replay carries
 * the original signed timestamp, so it is refused as stale once that is older than Slack's window: a key needs to be
 * kept only that long (plus a margin). Bounded: when full the oldest key goes, which is safe because the core also
 * refuses a replay key it has already counted, durably.
 */
final class ReplayGuard {

    private static final long MARGIN_SECONDS = 60;

    private final Clock clock;
    private final int maxEntries;
    /** Key → epoch second after which it can be forgotten, in insertion order. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    ReplayGuard(Clock clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    /** Records the key; {@code false} if it was already seen within the window. */
    synchronized boolean firstSeen(String key, long timestampSeconds) {
        long now = clock.instant().getEpochSecond();
        forgetExpired(now);
        if (seen.containsKey(key)) {
            return false;
        }
        seen.put(key, Math.max(now, timestampSeconds) + SlackSignature.WINDOW_SECONDS + MARGIN_SECONDS);
        if (seen.size() > maxEntries) {
            Iterator<String> oldest = seen.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    synchronized int size() {
        return seen.size();
    }

    /** Insertion order is close to expiry order (timestamps are within the window of now), so this stops early. */
    private void forgetExpired(long now) {
        Iterator<Map.Entry<String, Long>> entries = seen.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, Long> entry = entries.next();
            if (entry.getValue() > now) {
                return;
            }
            entries.remove();
        }
    }
}
