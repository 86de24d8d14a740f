package io.countersign.channel.email.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a review form was posted from the review page itself, judged from what the browser says: {@code Origin} and
 * the Fetch Metadata header {@code Sec-Fetch-Site}, which pages cannot set. This comes on top of the double-submit
 * CSRF token, which every post must also carry.
 * <p>
 * The page sends {@code Referrer-Policy: same-origin}, so current browsers post its form with the page's real origin.
 * {@code Origin: null} is still accepted when {@code Sec-Fetch-Site: same-origin} comes with it: Chromium sends that
 * pair for a page still open from when the policy was {@code no-referrer}, and under referrer-stripping privacy
 * settings. An opaque origin of an attacker (a sandboxed frame, a {@code data:} page) posts with
 * {@code Sec-Fetch-Site: cross-site}, and a browser that sends {@code Origin: null} without Fetch Metadata is refused.
 * A post without {@code Origin} is a non-browser client or an old browser; the token decides alone then.
 */
final class FormOrigin {

    private final String pageOrigin;

    FormOrigin(String pageOrigin) {
        this.pageOrigin = pageOrigin;
    }

    /** Why the post is not from the page, or empty when it may be. */
    Optional<String> refusal(String origin, String fetchSite) {
        String site = fetchSite == null ? null : fetchSite.trim().toLowerCase(Locale.ROOT);
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return Optional.of("the form was posted from another site (Sec-Fetch-Site: " + site + ")");
        }
        if (origin == null || origin.equalsIgnoreCase(pageOrigin)) {
            return Optional.empty();
        }
        if (origin.equals("null") && "same-origin".equals(site)) {
            return Optional.empty();
        }
        return Optional.of("the form was posted from another origin");
    }
}
