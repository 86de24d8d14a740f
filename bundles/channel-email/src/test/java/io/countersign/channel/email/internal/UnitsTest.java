package io.countersign.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.http.FormOrigin;
import io.countersign.http.Html;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small parts: tokens, links, settings, the CSRF cookie, the token memory, escaping. */
class UnitsTest {

    @Test
    void linkTokens_carry256RandomBits_andAreKeptOnlyAsTheirSha256() {
        LinkTokens tokens = new LinkTokens();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = tokens.next();
            assertTrue(LinkTokens.TOKEN.matcher(token).matches(), token);
            assertEquals(32, Base64.getUrlDecoder().decode(token).length);
            assertTrue(seen.add(token));
        }
        String hash = LinkTokens.hash("abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash);
        assertTrue(LinkTokens.same(hash, LinkTokens.hash("abc")));
        assertFalse(LinkTokens.same(hash, LinkTokens.hash("abd")));
        assertFalse(LinkTokens.same(hash, null));
    }

    @Test
    void reviewLinks_parseOnlyTheirOwnShape() {
        String token = new LinkTokens().next();
        String id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
        assertEquals(Optional.of(new ReviewLink(id, token)), ReviewLink.parse("/review/" + id + "/" + token));
        assertEquals(URI.create("https://cs.example/base/review/" + id + "/" + token),
                ReviewLink.of(id, token).under(URI.create("https://cs.example/base")));
        for (String path : List.of("/review", "/review/", "/review/" + id, "/review/" + id + "/short",
                "/review/" + id + "/" + token + "/x", "/review/" + id + "/" + token + "=", "/reviewx/" + id + "/"
                        + token, "/review/a b/" + token, "/review/../" + token)) {
            assertTrue(ReviewLink.parse(path).isEmpty(), path);
        }
        assertThrows(IllegalArgumentException.class, () -> ReviewLink.of("a/b", token));
    }

    @Test
    void settings_turnStartTlsIntoJavaMailProperties_andNeverShowThePassword() throws Exception {
        EmailSettings settings = settings(true, true, "https://countersign.example.org/");
        Properties properties = settings.javaMailProperties();
        assertEquals("true", properties.getProperty("mail.smtp.starttls.enable"));
        assertEquals("true", properties.getProperty("mail.smtp.starttls.required"));
        assertEquals("true", properties.getProperty("mail.smtp.ssl.checkserveridentity"));
        assertEquals("3000", properties.getProperty("mail.smtp.connectiontimeout"));
        assertEquals("7000", properties.getProperty("mail.smtp.timeout"));
        assertFalse(settings.toString().contains("s3cret"), settings.toString());
        assertEquals(URI.create("https://countersign.example.org"), settings.publicBaseUrl());
        assertEquals("https://countersign.example.org", settings.origin());
        assertTrue(settings.secureLinks());
        assertEquals("https://countersign.example.org", settings(true, true, "https://Countersign.example.org:443/")
                .origin(), "browsers leave the default port out of Origin");
        assertEquals("http://127.0.0.1:8181", settings(false, false, "http://127.0.0.1:8181").origin());

        Properties plain = settings(false, false, "http://127.0.0.1:8181").javaMailProperties();
        assertEquals("false", plain.getProperty("mail.smtp.starttls.enable"));
        assertEquals("false", plain.getProperty("mail.smtp.starttls.required"));
        assertThrows(IllegalArgumentException.class, () -> settings(true, true, "ftp://x"));
        assertThrows(IllegalArgumentException.class, () -> settings(true, true, "https://x/?q=1"));
    }

    @Test
    void theDsConfiguration_becomesSettings_withThePasswordFromItsPrivateProperty() {
        Map<String, Object> values = Map.of("smtpHost", " smtp.example.org ", "smtpPort", 2525, "username", "cs",
                "_password", "from-env", "from", "Countersign <countersign@example.org>",
                "publicBaseUrl", "https://cs.example.org/", "tokenTtlMinutes", 30L);
        EmailConfig config = (EmailConfig) Proxy.newProxyInstance(EmailConfig.class.getClassLoader(),
                new Class<?>[]{EmailConfig.class}, (proxy, method, args) ->
                        values.getOrDefault(method.getName(), method.getDefaultValue()));

        EmailSettings settings = EmailSettings.from(config);

        assertEquals("smtp.example.org", settings.smtpHost());
        assertEquals(2525, settings.smtpPort());
        assertTrue(settings.startTls() && settings.startTlsRequired(), "STARTTLS is on and required by default");
        assertEquals("from-env", settings.password());
        assertEquals("countersign@example.org", settings.from().getAddress());
        assertEquals(Duration.ofMinutes(30), settings.tokenTtl());
        assertEquals(URI.create("https://cs.example.org"), settings.publicBaseUrl());
        assertEquals("email", new EmailChannel(config).name());
        assertEquals("direct:countersign-email", new EmailChannel(config).endpointUri());
    }

    @Test
    void theCsrfCookie_isPerLink_hostPrefixedAndSecureOverHttps_only_andLivesAsLongAsTheLink() {
        CsrfCookie secure = new CsrfCookie(true);
        String value = new LinkTokens().next();
        String hash = LinkTokens.hash(new LinkTokens().next());
        String otherHash = LinkTokens.hash(new LinkTokens().next());
        String name = "__Host-countersign-csrf-" + hash.substring(0, 16);
        assertEquals(name + "=" + value + "; Path=/; Max-Age=1800; HttpOnly; SameSite=Strict; Secure",
                secure.setCookie(hash, value, Duration.ofMinutes(30)));
        assertEquals("countersign-csrf-" + hash.substring(0, 16) + "=" + value
                        + "; Path=/; Max-Age=1800; HttpOnly; SameSite=Strict",
                new CsrfCookie(false).setCookie(hash, value, Duration.ofMinutes(30)));
        assertEquals(Optional.of(value), secure.read(hash, List.of("a=b; " + name + "=" + value)));
        assertEquals(Optional.of(value), secure.read(hash, List.of(secure.name(otherHash) + "="
                + new LinkTokens().next() + "; " + name + "=" + value)), "another link's cookie does not interfere");
        assertTrue(secure.read(otherHash, List.of(name + "=" + value)).isEmpty());
        assertTrue(secure.read(hash, List.of(name + "=" + value + "; " + name + "=" + value))
                .isEmpty(), "two cookies of that name: someone planted one");
        assertTrue(secure.read(hash, List.of(name + "=short")).isEmpty());
        assertTrue(secure.read(hash, List.of()).isEmpty());
    }

    @Test
    void formOrigin_acceptsThePagesOwnPosts_asChromiumSendsThem_andRefusesOtherSites() {
        FormOrigin check = new FormOrigin("https://cs.example.org");
        assertTrue(check.refusal("https://cs.example.org", "same-origin").isEmpty());
        assertTrue(check.refusal("null", "same-origin").isEmpty(), "Chromium under a no-referrer policy");
        assertTrue(check.refusal(null, null).isEmpty(), "no browser: the CSRF token decides alone");
        assertTrue(check.refusal("https://cs.example.org", null).isEmpty(), "a browser without Fetch Metadata");

        assertTrue(check.refusal("null", null).isPresent(), "an opaque origin the browser does not vouch for");
        assertTrue(check.refusal("null", "cross-site").isPresent(), "a sandboxed frame or data: page elsewhere");
        assertTrue(check.refusal("https://evil.example", null).isPresent());
        assertTrue(check.refusal("https://evil.example", "cross-site").isPresent());
        assertTrue(check.refusal("https://cs.example.org", "cross-site").isPresent(), "Fetch Metadata wins");
        assertTrue(check.refusal("https://other.example.org", "same-site").isPresent(), "a sibling subdomain");
        assertTrue(check.refusal("http://cs.example.org", "same-origin").isPresent(), "another scheme");
    }

    @Test
    void tokenMemory_claimsOnce_forgetsOnlyAfterExpiry_andStaysBounded() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        TokenMemory memory = new TokenMemory(2);
        IssuedToken a = token("a", now.plusSeconds(60));
        assertTrue(memory.claim(a, now));
        assertFalse(memory.claim(a, now));
        memory.release(a);
        assertTrue(memory.claim(a, now));
        assertTrue(memory.firstView(a, now));
        assertFalse(memory.firstView(a, now));

        IssuedToken b = token("b", now.plusSeconds(60));
        IssuedToken c = token("c", now.plusSeconds(60));
        assertTrue(memory.claim(b, now));
        assertTrue(memory.claim(c, now), "full: the oldest is forgotten (the core still refuses its replay)");
        assertFalse(memory.isUsed(a));
        assertTrue(memory.isUsed(b) && memory.isUsed(c));
        assertNotEquals(a, b);
    }

    @Test
    void html_escapesEverythingThatCouldBeMarkup() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
                Html.escape("<a href=\"x\" title='y'>&</a>"));
        assertEquals("a\uFFFDb", Html.escape("a\u0000b"));
        assertEquals("", Html.escape(null));
    }

    @Test
    void formBodies_refuseDuplicateFields() throws Exception {
        assertEquals("a b", FormBody.parse("x=a+b&y=".getBytes()).get("x"));
        assertThrows(FormBody.InvalidForm.class, () -> FormBody.parse("verdict=deny&verdict=approve".getBytes()));
        assertThrows(FormBody.InvalidForm.class, () -> FormBody.parse("x=%zz".getBytes()));
        assertTrue(FormBody.isForm("application/x-www-form-urlencoded; charset=UTF-8"));
        assertFalse(FormBody.isForm("multipart/form-data"));
    }

    private static IssuedToken token(String hash, Instant expiresAt) {
        return new IssuedToken(hash, "r", "alice", "alice@example.org", "sha256:x", expiresAt, "<m@x>");
    }

    private static EmailSettings settings(boolean startTls, boolean required, String base) throws Exception {
        return new EmailSettings("smtp.example.org", 587, startTls, required, "user", "s3cret",
                new InternetAddress("countersign@example.org"), Duration.ofSeconds(3), Duration.ofSeconds(7),
                URI.create(base), Duration.ofHours(24), "[Countersign]");
    }
}
