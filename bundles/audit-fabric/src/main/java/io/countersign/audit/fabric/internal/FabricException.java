package io.countersign.audit.fabric.internal;

import java.util.Optional;

/** A call to Fabric that did not succeed, and whether it may have been written anyway. */
final class FabricException extends Exception {

    private static final long serialVersionUID = 1L;

    enum Kind {
        /** The peer or the ordering service did not answer in time, or not at all: the outcome is unknown. */
        UNREACHABLE,
        /** The chaincode refused (docs/evidence-format.md §9.3): nothing was written. */
        REFUSED,
        /** Anything else: a transaction invalidated at commit, a permission, an answer that does not parse. */
        FAILED
    }

    private final Kind kind;
    private final String code;

    FabricException(Kind kind, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    static FabricException refused(String code, String message) {
        return new FabricException(Kind.REFUSED, code, message, null);
    }

    static FabricException unreachable(String message, Throwable cause) {
        return new FabricException(Kind.UNREACHABLE, null, message, cause);
    }

    static FabricException failed(String message, Throwable cause) {
        return new FabricException(Kind.FAILED, null, message, cause);
    }

    Kind kind() {
        return kind;
    }

    /** The chaincode's refusal code ({@code overlap}, {@code bad-checkpoint} ...) when it refused. */
    Optional<String> code() {
        return Optional.ofNullable(code);
    }

    boolean refusedWith(String refusal) {
        return kind == Kind.REFUSED && refusal.equals(code);
    }
}
