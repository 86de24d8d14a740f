package io.countersign.channel.email.internal;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The review page of one emailed token: {@code {publicBaseUrl}/review/{requestId}/{token}}. The request id lets the
 * page find the token's hash among that request's deliveries; neither part is trusted before that match.
 */
record ReviewLink(String requestId, String token) {

    static final String PREFIX = "/review";

    /** Request ids are UUIDs today; anything outside this set never reaches a lookup. */
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._~-]{0,127}");

    URI under(URI publicBaseUrl) {
        return URI.create(publicBaseUrl + path());
    }

    String path() {
        return PREFIX + "/" + requestId + "/" + token;
    }

    static ReviewLink of(String requestId, String token) {
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw new IllegalArgumentException("a request id that cannot go into a link: " + requestId);
        }
        return new ReviewLink(requestId, token);
    }

    /** The link a path names, or empty when the path is not one of ours. */
    static Optional<ReviewLink> parse(String pathInContext) {
        if (pathInContext == null || !pathInContext.startsWith(PREFIX + "/")) {
            return Optional.empty();
        }
        String[] parts = pathInContext.substring(PREFIX.length() + 1).split("/", -1);
        if (parts.length != 2 || !REQUEST_ID.matcher(parts[0]).matches()
                || !LinkTokens.TOKEN.matcher(parts[1]).matches()) {
            return Optional.empty();
        }
        return Optional.of(new ReviewLink(parts[0], parts[1]));
    }

    /** What parse makes of a path that is not a link, for the refusal record: the request id it seems to name. */
    static String claimedRequestId(String pathInContext) {
        if (pathInContext == null || !pathInContext.startsWith(PREFIX + "/")) {
            return null;
        }
        String first = pathInContext.substring(PREFIX.length() + 1).split("/", -1)[0];
        return REQUEST_ID.matcher(first).matches() ? first : null;
    }
}
