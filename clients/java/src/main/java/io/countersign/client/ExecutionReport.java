package io.countersign.client;

/**
 * What happened when the action ran, reported once after the grant was consumed.
 *
 * @param resultDigest {@code sha256:} and 64 lower-case hex digits of the result, or null
 * @param affected     how many things it changed, or null
 * @param detail       free text (at most 4096 characters), or null
 */
public record ExecutionReport(boolean success, String resultDigest, Long affected, String detail) {

    public static ExecutionReport success(String resultDigest, String detail) {
        return new ExecutionReport(true, resultDigest, null, detail);
    }

    public static ExecutionReport failure(String resultDigest, String detail) {
        return new ExecutionReport(false, resultDigest, null, detail);
    }
}
