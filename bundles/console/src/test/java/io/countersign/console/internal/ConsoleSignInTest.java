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
    private final AuditTrail trail = new AuditTrail(new MemoryJournal(Clock.systemUTC()), new FixedCheckpoints(null),
            new ListedEvidence());
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
        console = new ConsoleRoute(approvals, directory, trail, settings, HttpClient.newHttpClient(),
                Clock.systemUTC());
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
        ConsoleBrowser browser = new ConsoleBrowser(base);
        signInAs(browser, "bob@example.com");

        ConsoleBrowser.Page inbox = browser.get("/console/");
        assertEquals(200, inbox.status(), inbox.body());
        assertTrue(inbox.body().contains("Signed in as bob"), inbox.body());
        assertTrue(inbox.body().contains("/console/requests/" + pending.id()), inbox.body());
        assertTrue(inbox.body().contains("production"), "the risk cue: " + inbox.body());

        ConsoleBrowser.Page page = browser.get("/console/requests/" + pending.id());
        String csrf = hidden(page.body(), "csrf");
        ConsoleBrowser.Page approved = browser.post("/console/requests/" + pending.id() + "/review",
                Map.of("csrf", csrf, "digest", pending.request().digest(), "verdict", "approve", "comment", ""));

        assertEquals(303, approved.status(), approved.body());
        ConsoleBrowser.Page after = browser.follow(approved.location());
        assertTrue(after.body().contains("Your approval was recorded."), after.body());
        ConsoleApprovals.ReviewCall review = approvals.reviews.get(0);
        assertEquals("bob", review.reviewer().id());
        assertEquals(Verdict.APPROVE, review.verdict());
        assertEquals("console", review.evidence().channel());
        assertEquals("bob@example.com", review.evidence().artifact().path("email").asText());
        assertEquals("bob-subject", review.evidence().artifact().path("subject").asText());
    }

    @Test
    void anEventUpdatesOneEntry_theEntryAloneIsServed_or204WhenItIsNotInTheInbox() throws Exception {
        RequestView mine = approvals.add(pending("data-owners"));
        RequestView others = approvals.add(pending("security"));
        ConsoleBrowser browser = new ConsoleBrowser(base);
        signInAs(browser, "bob@example.com");

        ConsoleBrowser.Page entry = browser.get("/console/inbox/requests/" + mine.id());
        ConsoleBrowser.Page notMine = browser.get("/console/inbox/requests/" + others.id());
        ConsoleBrowser.Page unknown = browser.get("/console/inbox/requests/no-such-request");

        assertEquals(200, entry.status(), entry.body());
        assertTrue(entry.body().startsWith("<li id=\"request-" + mine.id() + "\" data-deadline=\""
                + mine.deadline().toEpochMilli() + "\">"), entry.body());
        assertTrue(browser.get("/console/").body().contains(entry.body()), "the same entry as in the whole list");
        assertEquals(204, notMine.status());
        assertEquals(204, unknown.status());
        assertEquals(401, new ConsoleBrowser(base).get("/console/inbox/requests/" + mine.id()).status(),
                "signed out: no entry");
    }

    @Test
    void aDenialNeedsAReason_andAFormWithoutTheTokenOrFromElsewhereChangesNothing() throws Exception {
        RequestView pending = approvals.add(pending("data-owners"));
        ConsoleBrowser browser = new ConsoleBrowser(base);
        signInAs(browser, "bob@example.com");
        String csrf = hidden(browser.get("/console/requests/" + pending.id()).body(), "csrf");
        String path = "/console/requests/" + pending.id() + "/review";

        ConsoleBrowser.Page noReason = browser.post(path, Map.of("csrf", csrf, "digest", pending.request().digest(),
                "verdict", "deny", "comment", "  "));
        ConsoleBrowser.Page noToken = browser.post(path, Map.of("digest", pending.request().digest(),
                "verdict", "approve"));
        ConsoleBrowser.Page otherSite = browser.post(path, Map.of("csrf", csrf, "digest", pending.request().digest(),
                "verdict", "approve"), Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"));

        assertEquals(400, noReason.status());
        assertTrue(noReason.body().contains("A denial needs a reason"), noReason.body());
        assertEquals(403, noToken.status());
        assertEquals(403, otherSite.status());
        assertTrue(approvals.reviews.isEmpty(), "nothing reached the core");

        ConsoleBrowser.Page denied = browser.post(path, Map.of("csrf", csrf, "digest", pending.request().digest(),
                "verdict", "deny", "comment", "no change ticket"));
        assertEquals(303, denied.status(), denied.body());
        assertEquals("no change ticket", approvals.reviews.get(0).comment());
    }

    @Test
    void someoneTheDirectoryDoesNotKnow_isRefused_andTheRefusalJournaled() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(base);
        ConsoleBrowser.Page refused = signInAs(browser, "mallory@example.com");

        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.body().contains("not a reviewer here"), refused.body());
        assertEquals(303, browser.get("/console/").status(), "still signed out: sent to sign in");
        ChannelEvent event = approvals.events.get(0);
        assertEquals("unknown-user", event.code());
        assertEquals("mallory-subject", event.evidence().path("subject").asText());
    }

    @Test
    void aCallbackThisBrowserDidNotStart_isRefused() throws Exception {
        ConsoleBrowser victim = new ConsoleBrowser(base);
        ConsoleBrowser attacker = new ConsoleBrowser(base);
        provider.enqueueCallback(callback("bob@example.com"));
        ConsoleBrowser.Page toProvider = attacker.get("/console/login");
        ConsoleBrowser.Page withCode = attacker.follow(toProvider.location());
        // the attacker hands the victim a callback URL carrying the attacker's code and state (login CSRF)
        ConsoleBrowser.Page refused = victim.follow(withCode.location());
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
        console = new ConsoleRoute(approvals, directory, trail, new ConsoleSettings(URI.create(base), URI.create(
                provider.issuerUrl("default").toString().replaceAll("/$", "")), CLIENT, "secret", "email",
                Duration.ofMinutes(15), Duration.ofHours(8)), HttpClient.newHttpClient(), moving);
        host = new JettyHost(port).serve("/console", console);
        RequestView pending = approvals.add(pending("data-owners"));
        ConsoleBrowser browser = new ConsoleBrowser(base);
        signInAs(browser, "bob@example.com");
        String csrf = hidden(browser.get("/console/requests/" + pending.id()).body(), "csrf");

        clock[0] = Clock.fixed(start.plus(Duration.ofMinutes(16)), ZoneOffset.UTC);

        assertEquals(303, browser.get("/console/").status(), "to the provider again");
        ConsoleBrowser.Page late = browser.post("/console/requests/" + pending.id() + "/review", Map.of("csrf", csrf,
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
    private ConsoleBrowser.Page signInAs(ConsoleBrowser browser, String email) throws Exception {
        provider.enqueueCallback(callback(email));
        ConsoleBrowser.Page toProvider = browser.get("/console/login");
        assertEquals(303, toProvider.status(), toProvider.body());
        URI authorize = URI.create(toProvider.location());
        assertTrue(authorize.getQuery().contains("code_challenge_method=S256"), authorize.toString());
        assertTrue(authorize.getQuery().contains("nonce="), authorize.toString());
        ConsoleBrowser.Page withCode = browser.follow(authorize.toString());
        assertEquals(302, withCode.status(), withCode.body());
        ConsoleBrowser.Page back = browser.follow(withCode.location());
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
}
