package io.countersign.verify;

/** Input that cannot be read at all (exit code 2), as opposed to evidence that fails verification. */
final class InputException extends Exception {
    InputException(String message) {
        super(message);
    }

    InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
