package io.countersign.client;

/** 403: not permitted ({@code not-permitted-to-act-for}, {@code reserved-action}, ...). */
public final class ForbiddenException extends CountersignException {

    private static final long serialVersionUID = 1L;

    ForbiddenException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
