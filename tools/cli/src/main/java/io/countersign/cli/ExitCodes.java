package io.countersign.cli;

/**
 * What {@code countersign run} exits with when it does not run the command; when it does, it exits with the
 * command's own status. The numbers are above the range commands commonly use (and below the shell's 126 to 128+N),
 * so that a pipeline can tell "Countersign said no" from "the deployment failed".
 */
final class ExitCodes {

    /** Bad arguments or configuration: nothing was asked. */
    static final int USAGE = 64;
    /** Denied by the policy or by reviewers. */
    static final int DENIED = 65;
    /** Nobody decided before the request's deadline, or the grant expired before it could be used. */
    static final int EXPIRED = 66;
    /** Still pending when {@code --timeout} ran out; running again with the same arguments resumes the wait. */
    static final int STILL_PENDING = 67;
    /** The grant was consumed before, by an earlier run: the command is not run twice on one approval. */
    static final int ALREADY_CONSUMED = 68;
    /** Countersign could not be reached (or answered 503) for as long as the CLI retries. */
    static final int UNAVAILABLE = 69;
    /** Countersign refused the request (unauthenticated, invalid field, action mismatch, ...). */
    static final int REFUSED = 70;
    /** Consuming the grant was sent and no answer came: it may be used up, so the command is not run. */
    static final int CONSUME_UNKNOWN = 71;
    /** The command succeeded but its execution could not be reported. */
    static final int NOT_REPORTED = 72;
    /** The command could not be started (not found, not executable); the grant is used up and a failure reported. */
    static final int COMMAND_NOT_STARTED = 127;

    private ExitCodes() {
    }
}
