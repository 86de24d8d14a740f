package io.countersign.core.internal;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many requests each agent made for each action today (UTC) and in the last hour, the history the policy sees.
 * Counted per minute, so "the last hour" is the current minute and the 59 before it. Rebuilt from the journal on
 * start, like everything else.
 */
final class ActivityCounts {

    /** Counts before this request, which is then counted. */
    record Counts(long today, long lastHour) {
    }

    private static final int MINUTES = 60;

    private static final class Tally {
        long day = Long.MIN_VALUE;
        long today;
        final long[] minuteOf = new long[MINUTES];
        final long[] countIn = new long[MINUTES];

        Tally() {
            java.util.Arrays.fill(minuteOf, Long.MIN_VALUE);
        }
    }

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    /** The counts for this agent and action before a request received at {@code at}, which is then counted. */
    Counts countAndRecord(String agent, String action, Instant at) {
        Tally tally = tallies.computeIfAbsent(agent + '\u0000' + action, key -> new Tally());
        long minute = Math.floorDiv(at.getEpochSecond(), 60);
        long day = Math.floorDiv(minute, 24 * 60);
        synchronized (tally) {
            if (day != tally.day) {
                if (day < tally.day) {
                    // a clock step backwards: count into the day we already hold rather than reset it
                    day = tally.day;
                } else {
                    tally.day = day;
                    tally.today = 0;
                }
            }
            long lastHour = 0;
            for (int i = 0; i < MINUTES; i++) {
                if (tally.minuteOf[i] > minute - MINUTES && tally.minuteOf[i] <= minute) {
                    lastHour += tally.countIn[i];
                }
            }
            Counts before = new Counts(tally.today, lastHour);
            tally.today++;
            int slot = (int) Math.floorMod(minute, (long) MINUTES);
            if (tally.minuteOf[slot] != minute) {
                tally.minuteOf[slot] = minute;
                tally.countIn[slot] = 0;
            }
            tally.countIn[slot]++;
            return before;
        }
    }
}
