package io.countersign.cli;

import io.countersign.client.ActionRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the CLI says while a request waits for reviewers: on a terminal one line rewritten every second; elsewhere
 * (CI, a file, a pipe) timestamped lines when something changes and a reminder every 30 seconds.
 */
final class Progress implements AutoCloseable {

    enum Mode { AUTO, TTY, PLAIN }

    private static final Duration PLAIN_REMINDER = Duration.ofSeconds(30);

    private final PrintStream out;
    private final boolean terminal;
    private final Clock clock;
    private final Instant started;
    private final Set<String> votesShown = new HashSet<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "countersign-progress");
        thread.setDaemon(true);
        return thread;
    });
    private ActionRequest latest;
    private int escalationShown;
    private boolean lineOpen;

    Progress(PrintStream out, boolean terminal, Clock clock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.started = clock.instant();
    }

    /** Whether to rewrite one line: asked for, or (auto) stderr is a terminal and this is not CI. */
    static boolean terminal(Mode mode, Map<String, String> env) {
        return switch (mode) {
            case TTY -> true;
            case PLAIN -> false;
            case AUTO -> !isSet(env.get("CI")) && !"dumb".equals(env.get("TERM")) && stderrIsTerminal();
        };
    }

    private static boolean isSet(String value) {
        return value != null && !value.isEmpty() && !value.equalsIgnoreCase("false") && !value.equals("0");
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /** A line for the log, whatever the mode. */
    synchronized void log(String message) {
        clearLine();
        out.println(terminal ? "countersign: " + message
                : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS) + " countersign: " + message);
        out.flush();
    }

    /** The request is pending: who was asked, and from now on how long it has waited. */
    synchronized void waiting(ActionRequest request) {
        latest = request;
        log("request " + request.id() + " is pending review; " + Describe.asked(request));
        long period = terminal ? 1000 : PLAIN_REMINDER.toMillis();
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        tick();
    }

    /** The request changed: new votes or an escalation are logged. */
    synchronized void changed(ActionRequest request) {
        latest = request;
        for (ActionRequest.Vote vote : request.votes()) {
            if (votesShown.add(vote.reviewer() + vote.verdict())) {
                log(Describe.vote(vote));
            }
        }
        if (request.escalationLevel() > escalationShown) {
            escalationShown = request.escalationLevel();
            log("escalated to level " + escalationShown + "; " + Describe.asked(request));
        }
        if (terminal) {
            render();
        }
    }

    private synchronized void tick() {
        if (latest == null) {
            return;
        }
        if (terminal) {
            render();
        } else {
            log("still waiting for " + latest.id() + ": " + status());
        }
    }

    private void render() {
        String line = "countersign: waiting for " + latest.id() + ": " + status();
        int width = 160;
        out.print("\r" + (line.length() > width ? line.substring(0, width - 1) + "…" : line) + "\u001B[K");
        out.flush();
        lineOpen = true;
    }

    private String status() {
        // since the request was made, which for a rerun is before this process started
        Instant since = latest.receivedAt() != null ? latest.receivedAt() : started;
        return Describe.progress(latest) + "; waited " + Describe.duration(Duration.between(since, clock.instant()))
                + (latest.deadline() == null ? "" : "; deadline " + latest.deadline().truncatedTo(ChronoUnit.SECONDS)
                + " (in " + Describe.duration(Duration.between(clock.instant(), latest.deadline())) + ")");
    }

    private void clearLine() {
        if (lineOpen) {
            out.print("\r\u001B[K");
            lineOpen = false;
        }
    }

    @Override
    public synchronized void close() {
        ticker.shutdownNow();
        clearLine();
        out.flush();
    }
}
