package io.countersign.ledger.internal;

/** An evidence export asked for something it cannot have, such as a range that ends before it starts. */
final class InvalidExportException extends Exception {

    private static final long serialVersionUID = 1L;

    InvalidExportException(String message) {
        super(message);
    }
}
