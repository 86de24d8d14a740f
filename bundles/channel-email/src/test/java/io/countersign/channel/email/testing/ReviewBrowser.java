package io.countersign.channel.email.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows a review link the way a person's browser does: {@link #open} GETs the page and keeps the cookies it sets,
 * {@link #submit} posts the page's form back with them and with the headers Chromium adds ({@code Origin},
 * {@code Sec-Fetch-*}). {@link #post} sends any fields, for forged or replayed
 * posts. One instance is one browser (its own cookie jar); it follows no redirects.
 * <pre>{@code
 * ReviewBrowser browser = new ReviewBrowser();
 * ReviewBrowser.Page page = browser.open(mail.reviewLink().orElseThrow());   // decides nothing
 * ReviewBrowser.Page result = browser.submit(page, "approve", "looks right");
 * }</pre>
 */
public final class ReviewBrowser {

    /** An answer: status, headers and the body as text. */
    public record Page(URI uri, int status, HttpHeaders headers, String body) {

        /** The page's review form, when it offers one. */
        public Optional<Form> form() {
            Matcher action = FORM.matcher(body);
            if (!action.find()) {
                return Optional.empty();
            }
            Map<String, String> hidden = new LinkedHashMap<>();
            Matcher input = HIDDEN.matcher(body);
            while (input.find()) {
                hidden.put(ReviewMail.unescape(input.group(1)), ReviewMail.unescape(input.group(2)));
            }
            return Optional.of(new Form(uri.resolve(ReviewMail.unescape(action.group(1))), hidden));
        }

        /** The first value of a response header, or {@code null}. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /** A review form: where it posts and its hidden fields ({@code csrf}, {@code digest}). */
    public record Form(URI action, Map<String, String> hidden) {
    }

    private static final Pattern FORM = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\">");
    private static final Pattern REFERRER_META = Pattern.compile("<meta name=\"referrer\" content=\"([^\"]+)\">");
    private static final Pattern HIDDEN = Pattern.compile(
            "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final String userAgent;

    public ReviewBrowser() {
        this("Mozilla/5.0 (countersign test browser)");
    }

    public ReviewBrowser(String userAgent) {
        this.userAgent = userAgent;
    }

    /** GETs a link, keeping the cookies the answer sets. */
    public Page open(URI link) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(link).GET());
    }

    /** GETs a link with extra request headers (e.g. {@code Accept}). */
    public Page open(URI link, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(link).GET();
        headers.forEach(request::header);
        return send(request);
    }

    /**
     * Posts the page's form as its Approve or Deny button would: its hidden fields, {@code verdict}, the optional
     * comment, and this browser's cookies.
     */
    public Page submit(Page page, String verdict, String comment) throws IOException, InterruptedException {
        Form form = page.form().orElseThrow(() -> new AssertionError("the page has no review form:\n"
                + page.body()));
        Map<String, String> fields = new LinkedHashMap<>(form.hidden());
        fields.put("verdict", verdict);
        if (comment != null) {
            fields.put("comment", comment);
        }
        return post(form.action(), fields, chromiumFormHeaders(page, form.action()));
    }

    /**
     * What Chromium adds to a form post: Fetch Metadata, and an {@code Origin} that is {@code null} when the page's
     * referrer policy is {@code no-referrer} (header or meta), else the page's origin.
     */
    static Map<String, String> chromiumFormHeaders(Page page, URI action) {
        String pageOrigin = origin(page.uri());
        boolean sameOrigin = pageOrigin.equals(origin(action));
        Matcher meta = REFERRER_META.matcher(page.body());
        String policy = meta.find() ? meta.group(1) : page.header("Referrer-Policy");
        boolean noReferrer = policy != null && policy.trim().equalsIgnoreCase("no-referrer");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Origin", noReferrer ? "null" : pageOrigin);
        headers.put("Sec-Fetch-Site", sameOrigin ? "same-origin" : "cross-site");
        headers.put("Sec-Fetch-Mode", "navigate");
        headers.put("Sec-Fetch-Dest", "document");
        headers.put("Sec-Fetch-User", "?1");
        return headers;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    /** Posts any form fields to any URI with this browser's cookies. */
    public Page post(URI action, Map<String, String> fields) throws IOException, InterruptedException {
        return post(action, fields, Map.of());
    }

    /** Posts any form fields with extra request headers (e.g. {@code Accept}, {@code Origin}). */
    public Page post(URI action, Map<String, String> fields, Map<String, String> headers)
            throws IOException, InterruptedException {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((name, value) -> body.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest.Builder request = HttpRequest.newBuilder(action)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(request::header);
        return send(request);
    }

    /** The cookies this browser holds, by name. */
    public Map<String, String> cookies() {
        return Map.copyOf(cookies);
    }

    public void setCookie(String name, String value) {
        cookies.put(name, value);
    }

    public void clearCookies() {
        cookies.clear();
    }

    private Page send(HttpRequest.Builder request) throws IOException, InterruptedException {
        request.timeout(Duration.ofSeconds(10)).header("User-Agent", userAgent);
        if (!cookies.isEmpty()) {
            StringJoiner header = new StringJoiner("; ");
            cookies.forEach((name, value) -> header.add(name + "=" + value));
            request.header("Cookie", header.toString());
        }
        HttpRequest built = request.build();
        HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        List<String> setCookies = response.headers().allValues("Set-Cookie");
        for (String setCookie : setCookies) {
            String pair = setCookie.split(";", 2)[0];
            int equals = pair.indexOf('=');
            if (equals > 0) {
                cookies.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
            }
        }
        return new Page(built.uri(), response.statusCode(), response.headers(), response.body());
    }
}
