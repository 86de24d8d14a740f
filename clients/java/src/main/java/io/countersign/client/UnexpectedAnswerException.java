package io.countersign.client;

/**
 * An answer that is not the API's: not problem+json, a status the API does not use, a body that does not parse, or
 * a digest that does not match the action sent.
 */
public final class UnexpectedAnswerException extends CountersignException {

    private static final long serialVersionUID = 1L;

    UnexpectedAnswerException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
