package io.countersign.client;

/** 409 {@code already-reported}: the execution was reported before. */
public final class AlreadyReportedException extends GrantRefusedException {

    private static final long serialVersionUID = 1L;

    AlreadyReportedException(String reason, int status, String detail, Throwable cause) {
        super(reason, status, detail, cause);
    }
}
