package io.countersign.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.ChannelEvent;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.testing.InMemoryDirectory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sign-in through a real OpenID Connect provider (mock-oauth2-server: discovery, JWKS, authorization code with PKCE
 * and nonce) and the signed-in pages, driven as a browser drives them: redirects followed, cookies kept.
 */
class ConsoleSignInTest {

    private static final String CLIENT = "countersign-console";
    private static final Reviewer BOB = new Reviewer("bob", Set.of("data-owners"), Map.of("email", "bob@example.com"));
    private static final Reviewer CAROL = new Reviewer("carol", Set.of("security"),
            Map.of("email", "carol@example.com"));

    private final MockOAuth2Server provider = new MockOAuth2Server();
    private final InMemoryDirectory directory = new InMemoryDirectory(BOB, CAROL);
    private final ConsoleApprovals approvals = new ConsoleApprovals();
    private JettyHost host;
    private String base;
    private ConsoleRoute console;

    @BeforeEach
    void start() throws Exception {
        provider.start();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        String issuer = provider.issuerUrl("default").toString();
        ConsoleSettings settings = new ConsoleSettings(URI.create(base), URI.create(issuer.endsWith("/")
                ? issuer.substring(0, issuer.length() - 1) : issuer), CLIENT, "secret", "email",
                Duration.ofMinutes(15), Duration.ofHours(8));
        console = new ConsoleRoute(approvals, directory, settings, HttpClient.newHttpClient(), Clock.systemUTC());
        host = new JettyHost(port).serve("/console", console);
    }

    @AfterEach
    void stop() throws Exception {
        console.deactivate();
        host.close();
        provider.shutdown();
    }

    @Test
    void aReviewerSignsIn_seesTheInbox_andApproves() throws Exception {
        RequestView pending = approvals.add(pending("data-owners"));
        Browser browser = new Browser();
        signInAs(browser, "bob@example.com");

        Browser.Page inbox = browser.get("/console/");
        assertEquals(200, inbox.status(), inbox.body());
        assertTrue(inbox.body().contains("Signed in as bob"), inbox.body());
        assertTrue(inbox.body().contains("/console/requests/" + pending.id()), inbox.body());
        assertTrue(inbox.body().contains("production"), "the risk cue: " + inbox.body());

        Browser.Page page = browser.get("/console/requests/" + pending.id());
        String csrf = hidden(page.body(), "csrf");
        Browser.Page approved = browser.post("/console/requests/" + pending.id() + "/review",
                Map.of("csrf", csrf, "digest", pending.request().digest(), "verdict", "approve", "comment", ""));

        assertEquals(303, approved.status(), approved.body());
        Browser.Page after = browser.follow(approved.location());
        assertTrue(after.body().contains("Your approval was recorded."), after.body());
        ConsoleApprovals.ReviewCall review = approvals.reviews.get(0);
        assertEquals("bob", review.reviewer().id());
        assertEquals(Verdict.APPROVE, review.verdict());
        assertEquals("console", review.evidence().channel());
        assertEquals("bob@example.com", review.evidence().artifact().path("email").asText());
        assertEquals("bob-subject", review.evidence().artifact().path("subject").asText());
    }

    @Test
    void aDenialNeedsAReason_andAFormWithoutTheTokenOrFromElsewhereChangesNothing() throws Exception {
        RequestView pending = approvals.add(pending("data-owners"));
        Browser browser = new Browser();
        signInAs(browser, "bob@example.com");
        String csrf = hidden(browser.get("/console/requests/" + pending.id()).body(), "csrf");
        String path = "/console/requests/" + pending.id() + "/review";

        Browser.Page noReason = browser.post(path, Map.of("csrf", csrf, "digest", pending.request().digest(),
                "verdict", "deny", "comment", "  "));
        Browser.Page noToken = browser.post(path, Map.of("digest", pending.request().digest(), "verdict", "approve"));
        Browser.Page otherSite = browser.post(path, Map.of("csrf", csrf, "digest", pending.request().digest(),
                "verdict", "approve"), Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"));

        assertEquals(400, noReason.status());
        assertTrue(noReason.body().contains("A denial needs a reason"), noReason.body());
        assertEquals(403, noToken.status());
        assertEquals(403, otherSite.status());
        assertTrue(approvals.reviews.isEmpty(), "nothing reached the core");

        Browser.Page denied = browser.post(path, Map.of("csrf", csrf, "digest", pending.request().digest(),
                "verdict", "deny", "comment", "no change ticket"));
        assertEquals(303, denied.status(), denied.body());
        assertEquals("no change ticket", approvals.reviews.get(0).comment());
    }

    @Test
    void someoneTheDirectoryDoesNotKnow_isRefused_andTheRefusalJournaled() throws Exception {
        Browser browser = new Browser();
        Browser.Page refused = signInAs(browser, "mallory@example.com");

        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.body().contains("not a reviewer here"), refused.body());
        assertEquals(303, browser.get("/console/").status(), "still signed out: sent to sign in");
        ChannelEvent event = approvals.events.get(0);
        assertEquals("unknown-user", event.code());
        assertEquals("mallory-subject", event.evidence().path("subject").asText());
    }

    @Test
    void aCallbackThisBrowserDidNotStart_isRefused() throws Exception {
        Browser victim = new Browser();
        Browser attacker = new Browser();
        provider.enqueueCallback(callback("bob@example.com"));
        Browser.Page toProvider = attacker.get("/console/login");
        Browser.Page withCode = attacker.follow(toProvider.location());
        // the attacker hands the victim a callback URL carrying the attacker's code and state (login CSRF)
        Browser.Page refused = victim.follow(withCode.location());
        assertEquals(403, refused.status(), refused.body());
        assertEquals("sign-in-unknown", approvals.events.get(0).code());
    }

    @Test
    void aTamperedIdToken_isRejected() throws Exception {
        OidcProvider oidc = new OidcProvider(new ConsoleSettings(URI.create(base), URI.create(
                provider.issuerUrl("default").toString().replaceAll("/$", "")), CLIENT, "secret", "email",
                Duration.ofMinutes(15), Duration.ofHours(8)), HttpClient.newHttpClient(), Clock.systemUTC());
        String token = provider.issueToken("default", "bob-subject", new DefaultOAuth2TokenCallback("default",
                "bob-subject", "JWT", List.of(CLIENT), Map.of("email", "bob@example.com", "nonce", "n-1"), 3600))
                .serialize();
        assertEquals("bob-subject", oidc.verify(token, "n-1").subject(), "the genuine token verifies");

        String[] parts = token.split("\\.");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("bob@example.com", "carol@example.com");
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertThrows(OidcProvider.Rejected.class, () -> oidc.verify(tampered, "n-1"));
        assertThrows(OidcProvider.Rejected.class, () -> oidc.verify(token, "another-nonce"));
        String unsigned = parts[0].replaceAll(".*", java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))) + "." + parts[1] + ".";
        assertThrows(OidcProvider.Rejected.class, () -> oidc.verify(unsigned, "n-1"));
    }

    @Test
    void anExpiredSession_sendsTheReviewerToSignInAgain_andItsFormsChangeNothing() throws Exception {
        Instant start = Instant.now();
        Clock[] clock = {Clock.fixed(start, ZoneOffset.UTC)};
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock[0].instant();
            }
        };
        console.deactivate();
        host.close();
        int port = URI.create(base).getPort();
        console = new ConsoleRoute(approvals, directory, new ConsoleSettings(URI.create(base), URI.create(
                provider.issuerUrl("default").toString().replaceAll("/$", "")), CLIENT, "secret", "email",
                Duration.ofMinutes(15), Duration.ofHours(8)), HttpClient.newHttpClient(), moving);
        host = new JettyHost(port).serve("/console", console);
        RequestView pending = approvals.add(pending("data-owners"));
        Browser browser = new Browser();
        signInAs(browser, "bob@example.com");
        String csrf = hidden(browser.get("/console/requests/" + pending.id()).body(), "csrf");

        clock[0] = Clock.fixed(start.plus(Duration.ofMinutes(16)), ZoneOffset.UTC);

        assertEquals(303, browser.get("/console/").status(), "to the provider again");
        Browser.Page late = browser.post("/console/requests/" + pending.id() + "/review", Map.of("csrf", csrf,
                "digest", pending.request().digest(), "verdict", "approve"));
        assertEquals(401, late.status());
        assertTrue(approvals.reviews.isEmpty());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private DefaultOAuth2TokenCallback callback(String email) {
        String subject = email.substring(0, email.indexOf('@')) + "-subject";
        return new DefaultOAuth2TokenCallback("default", subject, "JWT", List.of(CLIENT), Map.of("email", email),
                3600);
    }

    /** The whole sign-in: to the provider, back with a code; returns the callback's answer. */
    private Browser.Page signInAs(Browser browser, String email) throws Exception {
        provider.enqueueCallback(callback(email));
        Browser.Page toProvider = browser.get("/console/login");
        assertEquals(303, toProvider.status(), toProvider.body());
        URI authorize = URI.create(toProvider.location());
        assertTrue(authorize.getQuery().contains("code_challenge_method=S256"), authorize.toString());
        assertTrue(authorize.getQuery().contains("nonce="), authorize.toString());
        Browser.Page withCode = browser.follow(authorize.toString());
        assertEquals(302, withCode.status(), withCode.body());
        Browser.Page back = browser.follow(withCode.location());
        if (back.status() == 303) {
            assertTrue(back.header("Set-Cookie").contains("HttpOnly"), back.header("Set-Cookie"));
            assertTrue(back.header("Set-Cookie").contains("SameSite=Lax"), back.header("Set-Cookie"));
        }
        return back;
    }

    private static String hidden(String body, String name) {
        Matcher matcher = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(body);
        assertTrue(matcher.find(), "no " + name + " in " + body);
        return matcher.group(1);
    }

    private static RequestView pending(String group) {
        Action action = new Action("data.export", "warehouse.customers", JsonNodeFactory.instance.objectNode()
                .put("rows", 5000).put("containsPii", true), "production", "analytics-agent", List.of("alice"));
        Instant now = Instant.now();
        ActionRequest request = new ActionRequest(UUID.randomUUID().toString(), action, "quarterly report",
                "sha256:" + "ab".repeat(32), now, null);
        ReviewRoute route = new ReviewRoute(List.of(new GroupQuorum(group, 1)), Duration.ofHours(1), 1);
        Decision decision = new Decision(Outcome.REVIEW, List.of("personal data needs a data owner"),
                List.of("pii"), "policy-1", route);
        return new RequestView(request, new Agent("analytics-agent", List.of("alice")), decision,
                RequestStatus.PENDING, List.of(), now.plus(Duration.ofHours(1)), null, 1, null, null, null);
    }

    /** A browser as far as the console needs one: cookies kept per host, redirects returned, not followed. */
    private final class Browser {
        record Page(int status, Map<String, List<String>> headers, String body) {
            String header(String name) {
                return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .flatMap(e -> e.getValue().stream()).reduce((a, b) -> a + "\n" + b).orElse(null);
            }

            String location() {
                return header("Location");
            }
        }

        private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        private final Map<String, Map<String, String>> cookies = new LinkedHashMap<>();

        Page get(String path) throws Exception {
            return follow(base + path);
        }

        Page follow(String url) throws Exception {
            URI uri = URI.create(url.startsWith("/") ? base + url : url);
            return send(uri, HttpRequest.newBuilder(uri).GET());
        }

        Page post(String path, Map<String, String> form) throws Exception {
            return post(path, form, Map.of("Origin", base, "Sec-Fetch-Site", "same-origin"));
        }

        Page post(String path, Map<String, String> form, Map<String, String> headers) throws Exception {
            StringBuilder body = new StringBuilder();
            form.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&")
                    .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
            URI uri = URI.create(base + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
            headers.forEach(request::header);
            return send(uri, request);
        }

        private Page send(URI uri, HttpRequest.Builder request) throws Exception {
            Map<String, String> jar = cookies.computeIfAbsent(uri.getAuthority(), key -> new LinkedHashMap<>());
            if (!jar.isEmpty()) {
                StringBuilder header = new StringBuilder();
                jar.forEach((name, value) -> header.append(header.length() == 0 ? "" : "; ").append(name).append('=')
                        .append(value));
                request.header("Cookie", header.toString());
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : response.headers().allValues("Set-Cookie")) {
                String pair = set.split(";", 2)[0];
                int equals = pair.indexOf('=');
                String name = pair.substring(0, equals);
                String value = pair.substring(equals + 1);
                if (value.isEmpty() || set.contains("Max-Age=0")) {
                    jar.remove(name);
                } else {
                    jar.put(name, value);
                }
            }
            return new Page(response.statusCode(), response.headers().map(), response.body());
        }
    }
}
