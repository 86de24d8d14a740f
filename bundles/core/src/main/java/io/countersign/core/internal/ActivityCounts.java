package io.countersign.core.internal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many requests each agent made for each action today (UTC) and in the last hour, the history the policy sees.
 * Counted per minute, so "the last hour" is the current minute and the 59 before it. Restored from the core's
 * snapshot on start, then from the journal's tail.
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

        synchronized Tally copy() {
            Tally copy = new Tally();
            copy.day = day;
            copy.today = today;
            System.arraycopy(minuteOf, 0, copy.minuteOf, 0, MINUTES);
            System.arraycopy(countIn, 0, copy.countIn, 0, MINUTES);
            return copy;
        }
    }

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    ActivityCounts() {
    }

    /** An independent copy: the engine counts requests not yet durable, the journal's follower only durable ones. */
    ActivityCounts(ActivityCounts other) {
        other.tallies.forEach((key, tally) -> tallies.put(key, tally.copy()));
    }

    /** How many agent and action pairs are counted. */
    int size() {
        return tallies.size();
    }

    /** The counts as a snapshot stores them (docs/restart-design.md §5.3). */
    void write(DataOutput out) throws IOException {
        Map<String, Tally> sorted = new TreeMap<>(tallies);
        out.writeInt(sorted.size());
        for (Map.Entry<String, Tally> each : sorted.entrySet()) {
            int split = each.getKey().indexOf('\u0000');
            BinaryFields.writeShortString(out, each.getKey().substring(0, split));
            BinaryFields.writeShortString(out, each.getKey().substring(split + 1));
            Tally tally = each.getValue().copy();
            out.writeLong(tally.day);
            out.writeLong(tally.today);
            int used = 0;
            for (long minute : tally.minuteOf) {
                used += minute == Long.MIN_VALUE ? 0 : 1;
            }
            out.writeByte(used);
            for (int i = 0; i < MINUTES; i++) {
                if (tally.minuteOf[i] != Long.MIN_VALUE) {
                    out.writeLong(tally.minuteOf[i]);
                    out.writeLong(tally.countIn[i]);
                }
            }
        }
    }

    static ActivityCounts read(DataInput in) throws IOException {
        ActivityCounts counts = new ActivityCounts();
        int pairs = BinaryFields.readCount(in, Integer.MAX_VALUE);
        for (int p = 0; p < pairs; p++) {
            String agent = BinaryFields.readShortString(in);
            String action = BinaryFields.readShortString(in);
            Tally tally = new Tally();
            tally.day = in.readLong();
            tally.today = in.readLong();
            int used = in.readUnsignedByte();
            if (used > MINUTES) {
                throw new IOException("a tally of " + used + " minutes");
            }
            for (int i = 0; i < used; i++) {
                long minute = in.readLong();
                int slot = (int) Math.floorMod(minute, (long) MINUTES);
                tally.minuteOf[slot] = minute;
                tally.countIn[slot] = in.readLong();
            }
            counts.tallies.put(agent + '\u0000' + action, tally);
        }
        return counts;
    }

    /** The counts for this agent and action as of {@code at}, counting nothing. */
    Counts peek(String agent, String action, Instant at) {
        Tally tally = tallies.get(agent + '\u0000' + action);
        if (tally == null) {
            return new Counts(0, 0);
        }
        long minute = Math.floorDiv(at.getEpochSecond(), 60);
        long day = Math.floorDiv(minute, 24 * 60);
        synchronized (tally) {
            return new Counts(day > tally.day ? 0 : tally.today, lastHour(tally, minute));
        }
    }

    private static long lastHour(Tally tally, long minute) {
        long lastHour = 0;
        for (int i = 0; i < MINUTES; i++) {
            if (tally.minuteOf[i] > minute - MINUTES && tally.minuteOf[i] <= minute) {
                lastHour += tally.countIn[i];
            }
        }
        return lastHour;
    }

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
            Counts before = new Counts(tally.today, lastHour(tally, minute));
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
