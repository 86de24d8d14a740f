package io.countersign.audit.fabric.internal;

/** Fabric holds another history of the log than the journal does; anchoring must stop. */
final class ConflictException extends Exception {

    private static final long serialVersionUID = 1L;

    ConflictException(String message) {
        super(message);
    }
}
