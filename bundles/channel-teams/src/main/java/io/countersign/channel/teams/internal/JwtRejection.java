package io.countersign.channel.teams.internal;

/** Why an inbound Bot Framework JWT was not accepted; {@link #code()} is journaled with the refusal. */
final class JwtRejection extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;

    JwtRejection(String code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
