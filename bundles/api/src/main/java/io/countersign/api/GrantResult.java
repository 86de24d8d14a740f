package io.countersign.api;

/** The outcome of consuming a grant or reporting its execution. */
public sealed interface GrantResult {

    /** It was journaled; {@code view} shows the request afterwards. */
    record Done(RequestView view) implements GrantResult {
    }

    record Refused(GrantRefusal reason, String detail) implements GrantResult {
    }
}
