package io.countersign.channel.email.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The double-submit CSRF cookie of the review page: a random value in an HttpOnly, SameSite=Strict cookie that the
 * form repeats in a hidden field. Over https it is {@code __Host-} prefixed and Secure (so no other site or
 * subdomain can set it); the plain-http name is only for local setups and tests.
 */
final class CsrfCookie {

    private final String name;
    private final boolean secure;

    CsrfCookie(boolean secure) {
        this.secure = secure;
        this.name = secure ? "__Host-countersign-csrf" : "countersign-csrf";
    }

    String name() {
        return name;
    }

    /** The cookie's value when the request carries exactly one well-formed one. */
    Optional<String> read(List<String> cookieHeaders) {
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

    String setCookie(String value) {
        return name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }
}
