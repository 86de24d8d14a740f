package io.countersign.verify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing that did not verify.
 *
 * @param check   which check failed: manifest, entry, chain, checkpoint, consistency, inclusion, scope, rules
 *                (the chain rules of §6), grant (a token in the journal, §5), keys, proofs or trusted-checkpoint
 * @param subject what it concerns: {@code seq}, {@code checkpoint} (a size) or {@code line}, and
 *                {@code request} for an entry of a request; empty when it concerns the bundle as a whole
 */
record Failure(String check, Map<String, Object> subject, String reason) {

    static Failure of(String check, String reason) {
        return new Failure(check, Map.of(), reason);
    }

    static Failure atSeq(String check, long seq, String reason) {
        return new Failure(check, Map.of("seq", seq), reason);
    }

    static Failure atCheckpoint(String check, long size, String reason) {
        return new Failure(check, Map.of("checkpoint", size), reason);
    }

    static Failure atLine(String check, long line, String reason) {
        return new Failure(check, Map.of("line", line), reason);
    }

    static Failure atRequest(String check, String request, long seq, String reason) {
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("seq", seq);
        subject.put("request", request);
        return new Failure(check, subject, reason);
    }

    /**
     * {@code FAIL <check> <subject>: <reason>}, e.g. {@code FAIL checkpoint size 5000: ...} or
     * {@code FAIL rules seq 1234 (request r-1): ...}.
     */
    String describe() {
        StringBuilder text = new StringBuilder("FAIL ").append(check);
        subject.forEach((key, value) -> {
            switch (key) {
                case "checkpoint" -> text.append(" size ").append(value);
                case "request" -> text.append(" (request ").append(value).append(')');
                default -> text.append(' ').append(key).append(' ').append(value);
            }
        });
        return text.append(": ").append(reason).toString();
    }
}
