package io.countersign.cli;

import io.countersign.client.ActionRequest;
import io.countersign.client.CountersignClient;
import io.countersign.client.CountersignException;
import io.countersign.client.ExecutionReport;
import io.countersign.client.Grant;
import io.countersign.client.GrantAlreadyConsumedException;
import io.countersign.client.GrantExpiredException;
import io.countersign.client.Outcome;
import io.countersign.client.OutcomeUnknownException;
import io.countersign.client.Submission;
import io.countersign.client.UnavailableException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code countersign run}: ask, wait, consume the grant, run the command, report it. The command runs at most once
 * per grant: a grant already consumed (by an earlier run of the same step that was killed, or that finished) is
 * never taken as permission to run again, and neither is a consumption whose answer was lost.
 */
final class RunCommand {

    /** How long past the request's deadline to keep asking, so that its expiry is seen rather than guessed. */
    private static final Duration PAST_DEADLINE = Duration.ofSeconds(30);
    private static final Duration WITHOUT_DEADLINE = Duration.ofHours(24);

    private final RunOptions options;
    private final Progress progress;
    private final Clock clock;
    private final CountersignClient countersign;

    RunCommand(RunOptions options, Progress progress, Clock clock) {
        this(options, progress, clock, Duration.ofMinutes(2));
    }

    /** @param retryFor how long each call other than the wait retries while Countersign is unreachable or busy */
    RunCommand(RunOptions options, Progress progress, Clock clock, Duration retryFor) {
        this.options = options;
        this.progress = progress;
        this.clock = clock;
        // a long poll ends on a status change only: shorter polls show votes and escalations sooner
        this.countersign = CountersignClient.builder(options.url(), options.agentKey())
                .longestPoll(Duration.ofSeconds(10)).retryFor(retryFor).build();
    }

    int run() throws InterruptedException {
        String requestId = null;
        try {
            Submission submission = countersign.submit(options.action(), options.justification(),
                    options.occurrence());
            ActionRequest request = submission.request();
            requestId = request.id();
            progress.log((submission.replayed() ? "found request " + requestId + ", made earlier for this action"
                    + " and occurrence" : "asked for " + options.action().action() + " on "
                    + options.action().resource() + " (" + options.action().environment() + "): request " + requestId)
                    + "; status " + request.status().wireName());
            Outcome outcome = submission.outcome();
            if (outcome instanceof Outcome.Pending) {
                progress.waiting(request);
                try {
                    outcome = countersign.await(requestId, waitUntil(request), progress::changed);
                } finally {
                    progress.close();
                }
            }
            if (outcome instanceof Outcome.Granted granted) {
                return runGranted(granted.request(), granted.grant());
            }
            return notGranted(outcome);
        } catch (CountersignException e) {
            return failed(e, requestId);
        }
    }

    private Instant waitUntil(ActionRequest request) {
        Instant now = clock.instant();
        if (options.timeout() != null) {
            return now.plus(options.timeout());
        }
        return request.deadline() != null ? request.deadline().plus(PAST_DEADLINE) : now.plus(WITHOUT_DEADLINE);
    }

    private int notGranted(Outcome outcome) {
        ActionRequest request = outcome.request();
        if (outcome instanceof Outcome.Denied) {
            progress.log("request " + request.id() + " was DENIED; not running the command");
            Describe.denial(request).forEach(reason -> progress.log("  " + reason));
            return ExitCodes.DENIED;
        }
        if (outcome instanceof Outcome.Expired) {
            progress.log("request " + request.id() + " EXPIRED at " + request.deadline()
                    + " without a decision; not running the command");
            return ExitCodes.EXPIRED;
        }
        progress.log("request " + request.id() + " is still pending after --timeout (" + Describe.progress(request)
                + "); not running the command. Run the same command again to keep waiting for it.");
        return ExitCodes.STILL_PENDING;
    }

    private int runGranted(ActionRequest request, Grant grant) throws CountersignException, InterruptedException {
        String id = request.id();
        if (grant.isConsumed()) {
            return alreadyConsumed(request, grant);
        }
        progress.log(request.status().wireName().toUpperCase(java.util.Locale.ROOT)
                + (grant.approvers().isEmpty() ? " by the policy" : " by " + String.join(", ", grant.approvers()))
                + "; grant " + grant.id() + " expires at " + grant.expiresAt());
        try {
            countersign.consume(grant, options.action());
        } catch (GrantAlreadyConsumedException e) {
            return alreadyConsumed(countersign.get(id), grant);
        } catch (OutcomeUnknownException e) {
            progress.log("consuming grant " + grant.id() + " of request " + id + " was sent and no answer came; it may"
                    + " be used up, so the command is NOT run (" + e.detail() + ")");
            return ExitCodes.CONSUME_UNKNOWN;
        }
        progress.log("grant consumed; running: " + String.join(" ", options.command()));
        return execute(id);
    }

    private int alreadyConsumed(ActionRequest request, Grant grant) {
        Instant consumedAt = request.grant() != null && request.grant().consumedAt() != null
                ? request.grant().consumedAt() : grant.consumedAt();
        progress.log("the grant of request " + request.id() + " was ALREADY CONSUMED"
                + (consumedAt == null ? "" : " at " + consumedAt) + " by an earlier run of this step; the command is"
                + " NOT run again on the same approval");
        request.executionIfReported().ifPresentOrElse(
                execution -> progress.log("  that run reported: " + execution.outcome() + (execution.detail() == null
                        ? "" : " (" + execution.detail() + ")") + " at " + execution.at()),
                () -> progress.log("  that run reported no execution: it may have been killed while the command ran"));
        progress.log("  to run it again, ask for a new approval with another --occurrence");
        return ExitCodes.ALREADY_CONSUMED;
    }

    private int execute(String requestId) throws InterruptedException {
        CommandRunner runner = new CommandRunner(options.command());
        AtomicBoolean reported = new AtomicBoolean();
        Thread onTermination = new Thread(() -> reportTermination(runner, requestId, reported),
                "countersign-termination");
        Runtime.getRuntime().addShutdownHook(onTermination);
        CommandRunner.Result result;
        try {
            result = runner.run(new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err));
        } catch (IOException e) {
            progress.log("the command could not be started: " + e.getMessage());
            report(requestId, ExecutionReport.failure(null, "not started: " + e.getMessage()), reported);
            return ExitCodes.COMMAND_NOT_STARTED;
        } finally {
            removeHook(onTermination);
        }
        String detail = "exit code " + result.exitCode() + ", " + result.duration().toMillis() + " ms, stdout "
                + result.stdoutBytes() + " bytes, stderr " + result.stderrBytes() + " bytes " + result.stderrDigest();
        boolean success = result.exitCode() == 0;
        progress.log("command " + (success ? "succeeded" : "FAILED") + ": " + detail);
        boolean sent = report(requestId, success ? ExecutionReport.success(result.stdoutDigest(), detail)
                : ExecutionReport.failure(result.stdoutDigest(), detail), reported);
        return success && !sent ? ExitCodes.NOT_REPORTED : result.exitCode();
    }

    private boolean report(String requestId, ExecutionReport report, AtomicBoolean reported)
            throws InterruptedException {
        if (!reported.compareAndSet(false, true)) {
            return true;
        }
        try {
            countersign.reportExecution(requestId, report);
            progress.log("execution reported for request " + requestId + " (output " + report.resultDigest() + ")");
            return true;
        } catch (CountersignException e) {
            progress.log("the execution of request " + requestId + " could NOT be reported: " + e.getMessage());
            return false;
        }
    }

    /** On SIGTERM (a cancelled CI job): stop the command and say so, within the few seconds a runner allows. */
    private void reportTermination(CommandRunner runner, String requestId, AtomicBoolean reported) {
        try {
            if (runner.terminate(Duration.ofSeconds(3)) && reported.compareAndSet(false, true)) {
                CountersignClient.builder(options.url(), options.agentKey()).retryFor(Duration.ofSeconds(3)).build()
                        .reportExecution(requestId, ExecutionReport.failure(null,
                                "terminated: the countersign CLI was stopped while the command ran"));
            }
        } catch (CountersignException | InterruptedException | RuntimeException e) {
            // the process is ending; the missing report shows in the request
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running
        }
    }

    private int failed(CountersignException e, String requestId) {
        String about = requestId == null ? "" : " (request " + requestId + ")";
        progress.log("Countersign: " + e.getMessage() + about);
        if (e instanceof UnavailableException) {
            return ExitCodes.UNAVAILABLE;
        }
        if (e instanceof GrantExpiredException) {
            return ExitCodes.EXPIRED;
        }
        return ExitCodes.REFUSED;
    }
}
