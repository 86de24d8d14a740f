package io.countersign.core.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns refusals of unauthenticated or unauthorised callers into {@code access.refused} entry data, at a bounded rate.
 * <p>
 * Per surface and code, a window of {@code window} admits {@code perWindow} refusals one by one; the rest of the
 * window are counted (with the number of distinct clients, up to {@link #MAX_DISTINCT_CLIENTS}). The count is carried
 * by the next entry of that surface and code, or, once the window is over, by a summary entry written by
 * {@link #flush}. Every entry says how many refusals it stands for ({@code refusals}: itself plus {@code suppressed}),
 * so the entries add up to every refusal reported, and at most {@code perWindow} entries per surface and code are
 * written per window whatever the flood. The number of surface-and-code pairs is bounded too
 * ({@link #MAX_KEYS}; beyond it they share one), so neither the journal nor a SIEM fed from it can be filled.
 * <p>
 * {@code emit} is called under this object's lock, so the entries of one pair reach the journal in the order their
 * counts were taken; it must only hand the entry over (a journal append), never wait.
 */
final class AccessRefusals {

    static final int MAX_DISTINCT_CLIENTS = 1000;
    static final int MAX_KEYS = 256;
    static final String OVERFLOW_SURFACE = "other";
    static final String OVERFLOW_CODE = "other";

    private record Key(String surface, String code) {
    }

    private static final class Window {
        Instant start;
        int admitted;
        long suppressed;
        Instant suppressedSince;
        Instant suppressedUntil;
        int lastStatus;
        final Set<String> suppressedClients = new HashSet<>();
        boolean clientsOverflowed;
    }

    private final int perWindow;
    private final Duration window;
    private final Clock clock;
    private final Consumer<ObjectNode> emit;
    private final Map<Key, Window> windows = new LinkedHashMap<>();

    AccessRefusals(int perWindow, Duration window, Clock clock, Consumer<ObjectNode> emit) {
        if (perWindow < 1) {
            throw new IllegalArgumentException("refusalsPerWindow must be at least 1, got " + perWindow);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("windowSeconds must be positive, got " + window);
        }
        this.perWindow = perWindow;
        this.window = window;
        this.clock = clock;
        this.emit = emit;
    }

    /** Counts one refusal, and emits its entry when the window still admits one. */
    synchronized void refused(String surface, String code, int status, String detail, String clientHash) {
        Instant now = clock.instant();
        Key key = new Key(surface, code);
        Window current = windows.get(key);
        if (current == null && windows.size() >= MAX_KEYS) {
            key = new Key(OVERFLOW_SURFACE, OVERFLOW_CODE);
            current = windows.get(key);
            detail = "a refusal of " + surface + " (" + code + ") beyond the " + MAX_KEYS
                    + " kinds this installation keeps apart: " + detail;
        }
        if (current == null) {
            current = new Window();
            current.start = now;
            windows.put(key, current);
        } else if (!now.isBefore(current.start.plus(window))) {
            current.start = now;
            current.admitted = 0;
        }
        current.lastStatus = status;
        if (current.admitted < perWindow) {
            current.admitted++;
            ObjectNode data = base(key, status, now);
            data.put("detail", detail);
            if (clientHash != null) {
                data.put("client", clientHash);
            }
            data.put("refusals", 1 + current.suppressed);
            carrySuppressed(current, data);
            emit.accept(data);
            return;
        }
        if (current.suppressed++ == 0) {
            current.suppressedSince = now;
        }
        current.suppressedUntil = now;
        if (clientHash != null && !current.clientsOverflowed && !current.suppressedClients.contains(clientHash)) {
            if (current.suppressedClients.size() < MAX_DISTINCT_CLIENTS) {
                current.suppressedClients.add(clientHash);
            } else {
                current.clientsOverflowed = true;
            }
        }
    }

    /**
     * Emits a summary for every pair whose window is over with refusals still only counted, and forgets pairs with
     * nothing pending (their next refusal opens a new window, as it would have anyway).
     */
    synchronized void flush() {
        Instant now = clock.instant();
        Iterator<Map.Entry<Key, Window>> pairs = windows.entrySet().iterator();
        while (pairs.hasNext()) {
            Map.Entry<Key, Window> pair = pairs.next();
            Window current = pair.getValue();
            if (now.isBefore(current.start.plus(window))) {
                continue;
            }
            if (current.suppressed == 0) {
                pairs.remove();
                continue;
            }
            ObjectNode data = base(pair.getKey(), current.lastStatus, now);
            data.put("detail", current.suppressed + " refusals of " + pair.getKey().surface() + " ("
                    + pair.getKey().code() + ") between " + current.suppressedSince + " and "
                    + current.suppressedUntil + " were counted, not journaled one by one: more than " + perWindow
                    + " per " + window.toSeconds() + " s");
            data.put("refusals", current.suppressed);
            carrySuppressed(current, data);
            current.start = now;
            current.admitted = 1;
            emit.accept(data);
        }
    }

    /** Refusals counted and not yet emitted, over every pair (for tests and the log at shutdown). */
    synchronized long pending() {
        return windows.values().stream().mapToLong(w -> w.suppressed).sum();
    }

    private static ObjectNode base(Key key, int status, Instant now) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("surface", key.surface());
        data.put("code", key.code());
        data.put("status", status);
        data.put("at", now.toString());
        return data;
    }

    private static void carrySuppressed(Window current, ObjectNode data) {
        data.put("suppressed", current.suppressed);
        if (current.suppressed > 0) {
            data.put("suppressedSince", current.suppressedSince.toString());
            data.put("suppressedUntil", current.suppressedUntil.toString());
            data.put("suppressedClients", current.suppressedClients.size());
            if (current.clientsOverflowed) {
                data.put("suppressedClientsAtLeast", true);
            }
        }
        current.suppressed = 0;
        current.suppressedSince = null;
        current.suppressedUntil = null;
        current.suppressedClients.clear();
        current.clientsOverflowed = false;
    }
}
