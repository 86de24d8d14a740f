package io.countersign.client;

/**
 * 400: the request is not valid ({@code invalid-field}, {@code malformed-json}, {@code invalid-request}, {@code
 * invalid-idempotency-key}, {@code invalid-parameter}, ...); {@link #detail()} names the field.
 */
public final class InvalidRequestException extends CountersignException {

    private static final long serialVersionUID = 1L;

    InvalidRequestException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
