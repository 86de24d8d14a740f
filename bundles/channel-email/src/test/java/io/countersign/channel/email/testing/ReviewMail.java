package io.countersign.channel.email.testing;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One review email as a mail client received it (read over IMAP by {@link ReviewMailbox}).
 *
 * @param messageId   the Message-ID header, with its angle brackets
 * @param contentType the top-level Content-Type, e.g. {@code multipart/alternative; boundary=...}
 * @param text        the decoded text/plain alternative, or {@code null}
 * @param html        the decoded text/html alternative, or {@code null}
 * @param headers     every header, by name as sent (several values in order)
 */
public record ReviewMail(String messageId, String subject, String from, List<String> to, String contentType,
                         String text, String html, Map<String, List<String>> headers) {

    private static final Pattern TEXT_LINK = Pattern.compile("https?://[^\\s<>\"]+/review/[^\\s<>\"]+");
    private static final Pattern HTML_LINK = Pattern.compile("href=\"(https?://[^\"]+/review/[^\"]+)\"");

    /** The review page link of the plain-text part; empty for an outcome email, which has none. */
    public Optional<URI> reviewLink() {
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = TEXT_LINK.matcher(text);
        return matcher.find() ? Optional.of(URI.create(matcher.group())) : Optional.empty();
    }

    /** The review page link of the HTML part ({@code href}, attribute-unescaped); empty when there is none. */
    public Optional<URI> htmlReviewLink() {
        if (html == null) {
            return Optional.empty();
        }
        Matcher matcher = HTML_LINK.matcher(html);
        return matcher.find() ? Optional.of(URI.create(unescape(matcher.group(1)))) : Optional.empty();
    }

    /** The first value of a header, or {@code null}. */
    public String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
    }

    static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
