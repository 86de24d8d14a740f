package io.countersign.channel.email.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The double-submit CSRF cookie of one review link's page: a random value in an HttpOnly, SameSite=Strict cookie that
 * the form repeats in a hidden field. Over https it is {@code __Host-} prefixed and Secure (so no other site or
 * subdomain can set it); the plain-http name is only for local setups and tests.
 * <p>
 * Each link has its own cookie, named after the first characters of its token's hash, so that a reviewer with two
 * review pages open can decide on both. Scoping by {@code Path} instead would not do: {@code __Host-} cookies must
 * have {@code Path=/}. The cookie lives no longer than its link.
 */
final class CsrfCookie {

    private static final int NAME_HASH_CHARS = 16;

    private final String prefix;
    private final boolean secure;

    CsrfCookie(boolean secure) {
        this.secure = secure;
        this.prefix = secure ? "__Host-countersign-csrf-" : "countersign-csrf-";
    }

    /** The cookie name of the link whose token has this hash. */
    String name(String tokenHash) {
        return prefix + tokenHash.substring(0, NAME_HASH_CHARS);
    }

    /** The link's cookie value when the request carries exactly one well-formed one. */
    Optional<String> read(String tokenHash, List<String> cookieHeaders) {
        String name = name(tokenHash);
        List<String> values = new ArrayList<>();
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
                    values.add(pair.substring(equals + 1).trim());
                }
            }
        }
        if (values.size() != 1 || !LinkTokens.TOKEN.matcher(values.get(0)).matches()) {
            return Optional.empty();
        }
        return Optional.of(values.get(0));
    }

    String setCookie(String tokenHash, String value, Duration lifetime) {
        long seconds = Math.max(1, lifetime.toSeconds());
        return name(tokenHash) + "=" + value + "; Path=/; Max-Age=" + seconds + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }
}
