package io.countersign.http;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a form was posted from the page that served it, judged from what the browser says: {@code Origin} and
 * the Fetch Metadata header {@code Sec-Fetch-Site}, which pages cannot set. This comes on top of a CSRF token, which
 * every post must also carry.
 * <p>
 * Pages with forms send {@code Referrer-Policy: same-origin}, so current browsers post them with the page's real origin.
 * {@code Origin: null} is still accepted when {@code Sec-Fetch-Site: same-origin} comes with it: Chromium sends that
 * pair for a page still open from when the policy was {@code no-referrer}, and under referrer-stripping privacy
 * settings. An opaque origin of an attacker (a sandboxed frame, a {@code data:} page) posts with
 * {@code Sec-Fetch-Site: cross-site}, and a browser that sends {@code Origin: null} without Fetch Metadata is refused.
 * A post without {@code Origin} is a non-browser client or an old browser; the token decides alone then.
 */
public final class FormOrigin {

    private final String pageOrigin;

    /** {@code pageOrigin}: scheme, host and port of the public URL the page is served at. */
    public FormOrigin(String pageOrigin) {
        this.pageOrigin = pageOrigin;
    }

    /** Why the post is not from the page, or empty when it may be. */
    public Optional<String> refusal(String origin, String fetchSite) {
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
