package io.countersign.chaincode;

import org.hyperledger.fabric.shim.ChaincodeException;

/** A transaction refused: its message starts with a stable code (docs/evidence-format.md §9.3). */
final class Refusal extends ChaincodeException {

    private static final long serialVersionUID = 1L;

    private final String code;

    Refusal(String code, String detail) {
        super(code + ": " + detail);
        this.code = code;
    }

    String code() {
        return code;
    }

    static Refusal malformed(String detail) {
        return new Refusal("malformed", detail);
    }
}
