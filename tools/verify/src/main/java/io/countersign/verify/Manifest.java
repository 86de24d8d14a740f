package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code manifest.json} member (§7). Members that cannot be read are null (or -1) and listed in
 * {@code problems}; {@code scope} is null when it cannot be read.
 */
record Manifest(String format, String origin, Scope scope, long entries, Long firstSeq, Long lastSeq,
                List<String> problems) {
    static final String FORMAT = "countersign-evidence/1";

    /** What the bundle claims to cover. */
    sealed interface Scope permits RequestScope, RangeScope {
        String describe();

        /** What a bundle of this scope proves once it verifies ("What each scope proves", §7). */
        String proves();
    }

    record RequestScope(String request) implements Scope {
        @Override
        public String describe() {
            return "request " + request;
        }

        @Override
        public String proves() {
            return "each entry is in the signed log, not that the request has no other entries"
                    + " (to know a grant was consumed only once, verify the range from its issue to its expiry)";
        }
    }

    record RangeScope(String from, String to, long fromNanos, long toNanos) implements Scope {
        @Override
        public String describe() {
            return "range from " + from + " to " + to;
        }

        @Override
        public String proves() {
            return "every entry of the range is in the signed log and none was left out";
        }
    }

    static Manifest parse(JsonNode document) {
        List<String> problems = new ArrayList<>();
        String format = Json.text(document, "format");
        if (!FORMAT.equals(format)) {
            problems.add("unknown format " + document.get("format") + ", expected " + FORMAT);
        }
        String origin = Json.text(document, "origin");
        if (origin == null) {
            problems.add("\"origin\" is missing or not a string");
        }
        long entries = Json.naturalNumber(document, "entries");
        if (entries < 0) {
            problems.add("\"entries\" is missing or not a count");
        }
        Long firstSeq = optionalSeq(document, "firstSeq", problems);
        Long lastSeq = optionalSeq(document, "lastSeq", problems);
        Scope scope = parseScope(document.get("scope"), problems);
        return new Manifest(format, origin, scope, entries, firstSeq, lastSeq, List.copyOf(problems));
    }

    private static Long optionalSeq(JsonNode document, String member, List<String> problems) {
        JsonNode value = document.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        long seq = Json.naturalNumber(document, member);
        if (seq < 0) {
            problems.add("\"" + member + "\" is not a seq");
            return null;
        }
        return seq;
    }

    private static Scope parseScope(JsonNode scope, List<String> problems) {
        if (scope == null || !scope.isObject()) {
            problems.add("\"scope\" is missing or not an object");
            return null;
        }
        String kind = Json.text(scope, "kind");
        if ("request".equals(kind)) {
            String request = Json.text(scope, "request");
            if (request == null) {
                problems.add("the request scope names no request");
                return null;
            }
            return new RequestScope(request);
        }
        if ("range".equals(kind)) {
            String from = Json.text(scope, "from");
            String to = Json.text(scope, "to");
            try {
                return new RangeScope(from, to, JournalTime.parseLenient(from), JournalTime.parseLenient(to));
            } catch (RuntimeException e) {
                problems.add("the range scope's \"from\" and \"to\" are not instants");
                return null;
            }
        }
        problems.add("unknown scope kind " + scope.get("kind"));
        return null;
    }
}
