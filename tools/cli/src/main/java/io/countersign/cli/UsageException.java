package io.countersign.cli;

/** The command line or the environment does not say what to do. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
