package io.countersign.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.countersign.api.ChannelEvent;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Verdict;
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.api.testing.MutableClock;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.channel.email.testing.ReviewBrowser;
import io.countersign.channel.email.testing.ReviewMail;
import io.countersign.channel.email.testing.ReviewMailbox;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The email channel end to end: a notification goes out through camel-mail to GreenMail, the test reads it over IMAP
 * and follows its link with an HTTP client like a person (or a mail scanner) would.
 */
class EmailReviewFlowTest {

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(new ServerSetup[]{
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)}).withPerMethodLifecycle(false);

    private static final String ALICE = "alice@example.org";

    private static PageServer pages;
    private static DefaultCamelContext camel;
    private static ProducerTemplate template;
    private static EmailSettings settings;
    private static ReviewMailbox mailbox;
    private static final MutableClock CLOCK = new MutableClock(Instant.now());
    private static final FakeApprovalService APPROVALS = new FakeApprovalService(CLOCK);
    private static final InMemoryDirectory DIRECTORY = new InMemoryDirectory(Requests.ALICE, Requests.BOB);
    private static final FakeNotificationLog LOG = new FakeNotificationLog();

    @BeforeAll
    static void start() throws Exception {
        pages = new PageServer(ReviewLink.PREFIX);
        settings = new EmailSettings("127.0.0.1", GREEN_MAIL.getSmtp().getPort(), false, false, "", "",
                new InternetAddress("Countersign <countersign@example.org>"), Duration.ofSeconds(5),
                Duration.ofSeconds(5), pages.baseUrl(), Duration.ofHours(24), "[Countersign]");
        camel = new DefaultCamelContext();
        camel.addRoutes(new EmailChannel(settings, CLOCK, new LinkTokens()).routes());
        camel.start();
        template = camel.createProducerTemplate();
        pages.serve(new ReviewPage(APPROVALS, DIRECTORY, LOG, settings, CLOCK));
        mailbox = new ReviewMailbox("127.0.0.1", GREEN_MAIL.getImap().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        if (pages != null) {
            pages.close();
        }
    }

    @BeforeEach
    void reset() throws Exception {
        CLOCK.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        APPROVALS.reset();
        LOG.reset();
        GREEN_MAIL.purgeEmailFromAllMailboxes();
    }

    @Test
    void theReviewEmail_hasPlainTextAndHtmlWithTheFullContext_everyValueEscapedInTheHtml() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        ObjectNode reference = deliver(Requests.review(Requests.ALICE, view)).reference();

        ReviewMail mail = mailbox.awaitNewest(ALICE, 1, Duration.ofSeconds(10));
        assertTrue(mail.contentType().startsWith("multipart/alternative"), mail.contentType());
        assertNotNull(mail.text(), "a text/plain part");
        assertNotNull(mail.html(), "a text/html part");
        assertEquals(List.of(ALICE), mail.to());
        assertTrue(mail.from().contains("countersign@example.org"), mail.from());
        assertEquals(reference.path("messageId").asText(), mail.messageId(), "the reference names the sent message");
        assertTrue(mail.subject().startsWith("[Countersign] Review: agent-7 asks to db.drop_table"), mail.subject());

        for (String context : List.of("agent-7", "carol", "db.drop_table", "postgres://prod/crm", "production",
                "customers", "2 approvals from data-owners", SummaryRenderer.when(view.deadline()), "No votes yet.",
                view.request().digest())) {
            assertTrue(mail.text().contains(context), "text has " + context);
            assertTrue(mail.html().contains(context), "html has " + context);
        }
        // plain text is no markup: the values appear as they are
        assertTrue(mail.text().contains(Requests.SCRIPT));
        assertTrue(mail.text().contains("cleanup " + Requests.ATTRIBUTE_BREAKOUT));
        assertTrue(mail.text().contains("production <b>data</b> change"));
        // HTML: every value escaped, no markup from the request survives
        assertFalse(mail.html().contains("<script"), mail.html());
        assertFalse(mail.html().contains("<img"), mail.html());
        assertFalse(mail.html().contains("<b>data"), mail.html());
        assertTrue(mail.html().contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertTrue(mail.html().contains("cleanup &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assertTrue(mail.html().contains("\\&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "in the parameters' JSON");
        assertTrue(mail.html().contains("production &lt;b&gt;data&lt;/b&gt; change"));

        URI link = mail.reviewLink().orElseThrow();
        assertEquals(link, mail.htmlReviewLink().orElseThrow(), "both parts link the same page");
        String prefix = pages.baseUrl() + "/review/" + view.id() + "/";
        assertTrue(link.toString().startsWith(prefix), link.toString());
        String token = link.toString().substring(prefix.length());
        assertTrue(LinkTokens.TOKEN.matcher(token).matches(), "43 base64url characters: 256 random bits");
        assertEquals(1, count(mail.text(), "http"), "one link only, and no decision link");
        assertEquals(1, count(mail.html(), "href="), "one link only, and no decision link");

        assertEquals(LinkTokens.hash(token), reference.path("tokenHash").asText());
        assertFalse(reference.toString().contains(token), "the token itself is never in the reference");
        assertEquals("alice", reference.path("reviewer").asText());
        assertEquals(view.request().digest(), reference.path("digest").asText());
        assertEquals(CLOCK.instant().plus(Duration.ofHours(24)), Instant.parse(reference.path("expiresAt").asText()));
    }

    @Test
    void openingTheLink_showsTheRequest_andDecidesNothing_whateverItsQuery() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        deliver(Requests.review(Requests.ALICE, view));
        URI link = mailbox.awaitNewest(ALICE, 1, Duration.ofSeconds(10)).reviewLink().orElseThrow();

        ReviewBrowser scanner = new ReviewBrowser("SafeLinks-Scanner/1.0");
        ReviewBrowser.Page page = scanner.open(URI.create(link + "?verdict=approve&csrf=x&digest="
                + view.request().digest()));

        assertEquals(200, page.status());
        assertTrue(APPROVALS.reviews.isEmpty(), "a GET decides nothing");
        assertEquals(RequestStatus.PENDING, APPROVALS.views.get(view.id()).status());
        List<ChannelEvent> viewed = APPROVALS.events(ChannelEvent.Kind.VIEWED, "link-opened");
        assertEquals(1, viewed.size());
        assertEquals("email", viewed.get(0).channel());
        assertEquals(view.id(), viewed.get(0).requestId());
        assertEquals("alice", viewed.get(0).reviewer());
        assertEquals(LinkTokens.hash(lastPathSegment(link)), viewed.get(0).evidence().path("tokenHash").asText());
        assertEquals("SafeLinks-Scanner/1.0", viewed.get(0).evidence().path("userAgent").asText());

        String csp = page.header("Content-Security-Policy");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("style-src 'unsafe-inline'")
                && csp.contains("form-action 'self'"), csp);
        assertEquals("no-store", page.header("Cache-Control"));
        assertEquals("same-origin", page.header("Referrer-Policy"), "no-referrer makes Chromium post Origin: null");
        assertTrue(page.body().contains("<meta name=\"referrer\" content=\"same-origin\">"), page.body());
        assertEquals("DENY", page.header("X-Frame-Options"));
        assertTrue(page.header("Content-Type").startsWith("text/html"));

        assertTrue(page.body().contains("<td style=\"padding:4px 12px 4px 0;vertical-align:top;text-align:left;"
                + "overflow-wrap:anywhere\">" + view.id() + "</td>"), "the request id is shown");
        assertTrue(page.body().contains("You are reviewing as alice (alice@example.org) for data-owners."),
                page.body());
        assertTrue(page.body().contains(">production</td>"), "the risk cue: " + page.body());
        assertTrue(page.body().contains("agent-7 asked for db.drop_table once today (UTC) and once in the last hour"),
                page.body());
        assertTrue(page.body().matches("(?s).*Decide by \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC "
                + "\\(in (2 days 23 h|3 days)\\)\\..*"), page.body());

        assertFalse(page.body().contains("<script"), page.body());
        assertFalse(page.body().contains("<img"), page.body());
        assertTrue(page.body().contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertTrue(page.body().contains("cleanup &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));

        ReviewBrowser.Form form = page.form().orElseThrow();
        assertEquals(link, form.action());
        assertEquals(view.request().digest(), form.hidden().get("digest"));
        String setCookie = page.header("Set-Cookie");
        assertTrue(setCookie.startsWith("countersign-csrf-" + LinkTokens.hash(lastPathSegment(link)).substring(0, 16)
                + "=" + form.hidden().get("csrf") + ";"), setCookie);
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain http in the test: no Secure, no __Host-");

        assertEquals(200, scanner.open(link).status());
        assertEquals(200, new ReviewBrowser().open(link).status());
        assertEquals(1, APPROVALS.events(ChannelEvent.Kind.VIEWED, "link-opened").size(), "once per token");
        assertTrue(APPROVALS.reviews.isEmpty());
    }

    @Test
    void postingTheForm_approvesOnce_andTheSameTokenIsRefusedAfterwards() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        deliver(Requests.review(Requests.ALICE, view));
        URI link = mailbox.awaitNewest(ALICE, 1, Duration.ofSeconds(10)).reviewLink().orElseThrow();
        String tokenHash = LinkTokens.hash(lastPathSegment(link));
        ReviewBrowser browser = new ReviewBrowser();
        ReviewBrowser.Page page = browser.open(link);

        ReviewBrowser.Page result = browser.submit(page, "approve", "checked the ticket");

        assertEquals(200, result.status(), result.body());
        assertTrue(result.body().contains("Your approval was recorded."), result.body());
        assertTrue(result.body().contains("still waiting for other reviews"), result.body());
        assertEquals(1, APPROVALS.reviews.size());
        FakeApprovalService.ReviewCall call = APPROVALS.reviews.get(0);
        assertEquals("alice", call.reviewer().id());
        assertEquals(view.id(), call.requestId());
        assertEquals(Verdict.APPROVE, call.verdict());
        assertEquals("checked the ticket", call.comment());
        assertEquals("email", call.evidence().channel());
        assertEquals("email:" + tokenHash, call.evidence().replayKey());
        assertEquals(view.request().digest(), call.evidence().digest());
        assertEquals(tokenHash, call.evidence().artifact().path("tokenHash").asText());
        assertTrue(call.evidence().artifact().path("csrfChecked").asBoolean());
        assertEquals("Mozilla/5.0 (countersign test browser)", call.evidence().artifact().path("userAgent").asText());
        assertEquals(1, APPROVALS.views.get(view.id()).votes().size());

        ReviewBrowser.Page again = browser.submit(page, "approve", null);
        assertEquals(409, again.status());
        assertTrue(again.body().contains("token-used"), again.body());
        assertEquals(1, APPROVALS.reviews.size(), "refused before the core");
        assertEquals(1, APPROVALS.events(ChannelEvent.Kind.REFUSED, "token-used").size());

        ReviewBrowser.Page reopened = browser.open(link);
        assertEquals(200, reopened.status());
        assertTrue(reopened.form().isEmpty(), "a used link offers no form");
        assertTrue(reopened.body().contains("already used"), reopened.body());

        // after a restart the in-memory set is empty: the core still refuses the replayed token, durably
        ReviewPage restarted = new ReviewPage(APPROVALS, DIRECTORY, LOG, settings, CLOCK);
        pages.serve(restarted);
        try {
            ReviewBrowser.Page afterRestart = browser.open(link);
            assertTrue(afterRestart.form().isEmpty(), "the vote in the core remembers the used link");
            assertTrue(afterRestart.body().contains("already used"), afterRestart.body());
            ReviewBrowser.Page replayed = browser.post(link, Map.of("csrf", page.form().get().hidden().get("csrf"),
                    "digest", view.request().digest(), "verdict", "approve"), Map.of("Accept", "application/json"));
            assertEquals(409, replayed.status());
            assertTrue(replayed.header("Content-Type").startsWith("application/problem+json"));
            assertTrue(replayed.body().contains("\"reason\":\"replayed\""), replayed.body());
            assertEquals(1, APPROVALS.views.get(view.id()).votes().size(), "nothing changed");
        } finally {
            pages.serve(new ReviewPage(APPROVALS, DIRECTORY, LOG, settings, CLOCK));
        }
    }

    @Test
    void aPostWithoutOrWithAWrongCsrfToken_isRefusedAndChangesNothing() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        deliver(Requests.review(Requests.ALICE, view));
        URI link = mailbox.awaitNewest(ALICE, 1, Duration.ofSeconds(10)).reviewLink().orElseThrow();
        ReviewBrowser browser = new ReviewBrowser();
        ReviewBrowser.Page page = browser.open(link);
        String csrf = page.form().orElseThrow().hidden().get("csrf");
        String digest = view.request().digest();

        ReviewBrowser.Page noCookie = new ReviewBrowser().post(link,
                Map.of("csrf", csrf, "digest", digest, "verdict", "approve"));
        ReviewBrowser.Page noField = browser.post(link, Map.of("digest", digest, "verdict", "approve"));
        ReviewBrowser.Page wrongField = browser.post(link,
                Map.of("csrf", new LinkTokens().next(), "digest", digest, "verdict", "approve"));
        ReviewBrowser.Page otherOrigin = browser.post(link, Map.of("csrf", csrf, "digest", digest,
                "verdict", "approve"), Map.of("Origin", "https://evil.example"));
        ReviewBrowser.Page json = new ReviewBrowser().post(link,
                Map.of("csrf", csrf, "digest", digest, "verdict", "approve"), Map.of("Accept", "application/json"));

        for (ReviewBrowser.Page refused : List.of(noCookie, noField, wrongField, otherOrigin)) {
            assertEquals(403, refused.status(), refused.body());
            assertTrue(refused.body().contains("csrf"), refused.body());
        }
        assertEquals(403, json.status());
        assertTrue(json.header("Content-Type").startsWith("application/problem+json"), json.header("Content-Type"));
        assertTrue(json.body().contains("\"reason\":\"csrf\""), json.body());
        assertTrue(APPROVALS.reviews.isEmpty(), "nothing reached the core");
        assertEquals(5, APPROVALS.events(ChannelEvent.Kind.REFUSED, "csrf").size());
        assertEquals(RequestStatus.PENDING, APPROVALS.views.get(view.id()).status());

        ReviewBrowser.Page noReason = browser.submit(page, "deny", "  ");
        assertEquals(400, noReason.status(), noReason.body());
        assertTrue(noReason.body().contains("reason-missing"), noReason.body());
        assertTrue(APPROVALS.reviews.isEmpty(), "a denial without a reason reaches nothing");

        ReviewBrowser.Page confirmation = browser.submit(page, "deny", "wrong ticket");
        assertEquals(200, confirmation.status(), "the refusals did not burn the token");
        assertTrue(confirmation.body().contains("<h1>Deny this request?</h1>"), confirmation.body());
        assertTrue(confirmation.body().contains("<blockquote>wrong ticket</blockquote>"), confirmation.body());
        assertTrue(APPROVALS.reviews.isEmpty(), "asking for confirmation decides nothing");
        ReviewBrowser.Page genuine = browser.submit(confirmation, "deny", "wrong ticket");
        assertEquals(200, genuine.status(), genuine.body());
        assertTrue(genuine.body().contains("Your denial was recorded."), genuine.body());
        assertEquals(Verdict.DENY, APPROVALS.reviews.get(0).verdict());
        assertEquals("wrong ticket", APPROVALS.reviews.get(0).comment());
    }

    @Test
    void chromiumsFormPost_isAccepted_evenWithOriginNull_whenFetchMetadataSaysSameOrigin() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        deliver(Requests.review(Requests.ALICE, view));
        URI link = mailbox.awaitNewest(ALICE, 1, Duration.ofSeconds(10)).reviewLink().orElseThrow();
        ReviewBrowser browser = new ReviewBrowser();
        ReviewBrowser.Page page = browser.open(link);
        Map<String, String> fields = Map.of("csrf", page.form().orElseThrow().hidden().get("csrf"),
                "digest", view.request().digest(), "verdict", "approve");

        ReviewBrowser.Page opaqueCrossSite = browser.post(link, fields,
                Map.of("Origin", "null", "Sec-Fetch-Site", "cross-site"));
        ReviewBrowser.Page opaqueUnvouched = browser.post(link, fields, Map.of("Origin", "null"));
        ReviewBrowser.Page sameSite = browser.post(link, fields,
                Map.of("Origin", "http://evil.localhost", "Sec-Fetch-Site", "same-site"));
        for (ReviewBrowser.Page refused : List.of(opaqueCrossSite, opaqueUnvouched, sameSite)) {
            assertEquals(403, refused.status(), refused.body());
        }
        assertTrue(APPROVALS.reviews.isEmpty());

        // exactly what Chromium sent for the page when it had Referrer-Policy: no-referrer (a tab left open)
        ReviewBrowser.Page chromium = browser.post(link, fields, Map.of("Origin", "null",
                "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document"));
        assertEquals(200, chromium.status(), chromium.body());
        assertEquals(Verdict.APPROVE, APPROVALS.reviews.get(0).verdict());
    }

    @Test
    void twoReviewLinksOpenInOneBrowser_canBothBeDecided() throws Exception {
        RequestView first = pendingRequest(Duration.ofDays(3));
        RequestView second = pendingRequest(Duration.ofDays(3));
        deliver(Requests.review(Requests.ALICE, first));
        URI firstLink = mailbox.awaitNewest(ALICE, 1, Duration.ofSeconds(10)).reviewLink().orElseThrow();
        deliver(Requests.review(Requests.ALICE, second));
        URI secondLink = mailbox.awaitNewest(ALICE, 2, Duration.ofSeconds(10)).reviewLink().orElseThrow();
        assertNotEquals(firstLink, secondLink);
        ReviewBrowser browser = new ReviewBrowser();
        ReviewBrowser.Page firstPage = browser.open(firstLink);
        ReviewBrowser.Page secondPage = browser.open(secondLink);

        ReviewBrowser.Page firstResult = browser.submit(firstPage, "approve", null);
        ReviewBrowser.Page secondResult = browser.submit(browser.submit(secondPage, "deny", "not this one"), "deny",
                "not this one");

        assertEquals(200, firstResult.status(), firstResult.body());
        assertEquals(200, secondResult.status(), secondResult.body());
        assertEquals(2, APPROVALS.reviews.size());
    }

    @Test
    void anExpiredLink_isRefused() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        deliver(Requests.review(Requests.ALICE, view));
        URI link = mailbox.awaitNewest(ALICE, 1, Duration.ofSeconds(10)).reviewLink().orElseThrow();
        ReviewBrowser browser = new ReviewBrowser();
        ReviewBrowser.Page page = browser.open(link);

        CLOCK.advance(Duration.ofHours(24));

        ReviewBrowser.Page opened = browser.open(link);
        ReviewBrowser.Page posted = browser.submit(page, "approve", null);
        assertEquals(410, opened.status());
        assertTrue(opened.body().contains("token-expired"), opened.body());
        assertEquals(410, posted.status());
        assertTrue(APPROVALS.reviews.isEmpty());
        assertEquals(2, APPROVALS.events(ChannelEvent.Kind.REFUSED, "token-expired").size());
        assertEquals("alice", APPROVALS.events(ChannelEvent.Kind.REFUSED, "token-expired").get(0).reviewer());
    }

    @Test
    void aLinkExpiresAtTheRequestsDeadline_whenThatComesBeforeTheTtl() throws Exception {
        RequestView view = pendingRequest(Duration.ofHours(1));

        ObjectNode reference = deliver(Requests.review(Requests.ALICE, view)).reference();

        assertEquals(view.deadline(), Instant.parse(reference.path("expiresAt").asText()));
        URI link = mailbox.awaitNewest(ALICE, 1, Duration.ofSeconds(10)).reviewLink().orElseThrow();
        CLOCK.set(view.deadline());
        assertEquals(410, new ReviewBrowser().open(link).status());
    }

    @Test
    void anUnknownToken_isRefused_asProblemJsonWhenAsked() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        deliver(Requests.review(Requests.ALICE, view));
        URI forged = URI.create(pages.baseUrl() + "/review/" + view.id() + "/" + new LinkTokens().next());

        ReviewBrowser.Page html = new ReviewBrowser().open(forged);
        ReviewBrowser.Page json = new ReviewBrowser().open(forged, Map.of("Accept", "application/json"));
        ReviewBrowser.Page posted = new ReviewBrowser().post(forged,
                Map.of("csrf", "x", "digest", view.request().digest(), "verdict", "approve"));
        ReviewBrowser.Page garbage = new ReviewBrowser().open(URI.create(pages.baseUrl() + "/review/"
                + view.id() + "/not-a-token"));

        assertEquals(404, html.status());
        assertTrue(html.body().contains("token-unknown"));
        assertEquals(404, json.status());
        assertTrue(json.header("Content-Type").startsWith("application/problem+json"));
        assertTrue(json.body().contains("\"reason\":\"token-unknown\""), json.body());
        assertEquals(404, posted.status());
        assertEquals(404, garbage.status());
        assertEquals(4, APPROVALS.events(ChannelEvent.Kind.REFUSED, "token-unknown").size());
        assertTrue(APPROVALS.events(ChannelEvent.Kind.VIEWED, "link-opened").isEmpty());
        assertTrue(APPROVALS.reviews.isEmpty());
    }

    @Test
    void aLinkOfAnotherReviewer_cannotBeUsedOnceTheDirectoryMapsTheAddressElsewhere() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        deliver(Requests.review(Requests.BOB, view));
        URI link = mailbox.awaitNewest("bob@example.org", 1, Duration.ofSeconds(10)).reviewLink().orElseThrow();
        ReviewBrowser browser = new ReviewBrowser();
        ReviewBrowser.Page page = browser.open(link);
        DIRECTORY.remove("bob");
        try {
            ReviewBrowser.Page result = browser.submit(page, "approve", null);
            assertEquals(403, result.status());
            assertTrue(result.body().contains("reviewer-unknown"), result.body());
            assertTrue(APPROVALS.reviews.isEmpty());
        } finally {
            DIRECTORY.put(Requests.BOB);
        }
    }

    @Test
    void updates_sendTheOutcomeOnce_andNothingWhileTheRequestIsPending() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        Delivery first = deliver(Requests.review(Requests.ALICE, view));
        ReviewMail review = mailbox.awaitNewest(ALICE, 1, Duration.ofSeconds(10));

        Delivery stillPending = deliver(Requests.notification(NotificationKind.UPDATE, Requests.ALICE, view, first));
        assertEquals(first.reference(), stillPending.reference(), "nothing to update in place: unchanged");
        assertEquals(1, mailbox.messages(ALICE).size(), "and nothing sent");

        RequestView approved = Requests.decided(view, RequestStatus.APPROVED, CLOCK.instant());
        APPROVALS.put(approved);
        Delivery outcome = deliver(Requests.notification(NotificationKind.UPDATE, Requests.ALICE, approved, first));

        ReviewMail decided = mailbox.awaitNewest(ALICE, 2, Duration.ofSeconds(10));
        assertTrue(decided.subject().contains("Decided (Approved)"), decided.subject());
        assertTrue(decided.text().startsWith("Decided: Approved."), decided.text());
        assertTrue(decided.reviewLink().isEmpty() && decided.htmlReviewLink().isEmpty(), "no link once decided");
        assertFalse(decided.html().contains("<form") || decided.html().contains("href="), decided.html());
        assertEquals(review.messageId(), decided.header("In-Reply-To"));
        assertEquals("Approved", outcome.reference().path("outcome").asText());
        assertEquals(decided.messageId(), outcome.reference().path("outcomeMessageId").asText());
        assertEquals(first.reference().path("tokenHash"), outcome.reference().path("tokenHash"));
        assertEquals(first.reference().path("messageId"), outcome.reference().path("messageId"));

        Delivery repeated = deliver(Requests.notification(NotificationKind.UPDATE, Requests.ALICE, approved, outcome));
        assertEquals(outcome.reference(), repeated.reference());
        assertEquals(2, mailbox.messages(ALICE).size(), "the outcome is mailed once");

        ReviewBrowser.Page page = new ReviewBrowser().open(review.reviewLink().orElseThrow());
        assertEquals(200, page.status());
        assertTrue(page.form().isEmpty(), "a decided request offers no form");
        assertTrue(page.body().contains("already decided: Approved"), page.body());
    }

    @Test
    void aReminder_isANewMessageWithItsOwnToken() throws Exception {
        RequestView view = pendingRequest(Duration.ofDays(3));
        Delivery first = deliver(Requests.review(Requests.ALICE, view));

        Delivery reminder = deliver(Requests.notification(NotificationKind.REMINDER, Requests.ALICE, view, null));

        ReviewMail mail = mailbox.awaitNewest(ALICE, 2, Duration.ofSeconds(10));
        assertTrue(mail.subject().startsWith("[Countersign] Reminder: review "), mail.subject());
        assertTrue(mail.text().startsWith("Reminder: your review is still needed."), mail.text());
        assertNotEquals(first.reference().path("tokenHash"), reminder.reference().path("tokenHash"));
        assertNotEquals(first.reference().path("messageId"), reminder.reference().path("messageId"));
        assertEquals(reminder.reference().path("tokenHash").asText(),
                LinkTokens.hash(lastPathSegment(mail.reviewLink().orElseThrow())));
    }

    @Test
    void anAddressThatIsNotOne_isRejectedForGood() {
        RequestView view = pendingRequest(Duration.ofDays(3));
        Notification notification = new Notification(UUID.randomUUID().toString(), NotificationKind.REVIEW, "email",
                "alice@example.org\r\nBcc: eve@example.org", Requests.ALICE, view, null);

        Exchange exchange = template.send(EmailChannel.ENDPOINT, e -> e.getIn().setBody(notification));

        assertInstanceOf(ChannelRejectedException.class, exchange.getException());
    }

    private RequestView pendingRequest(Duration timeout) {
        RequestView view = Requests.pending(CLOCK.instant().minusSeconds(60), timeout);
        APPROVALS.put(view);
        return view;
    }

    /** Sends a notification as the host does, and journals the reference the route ends with. */
    private static Delivery deliver(Notification notification) throws Exception {
        Exchange exchange = template.send(EmailChannel.ENDPOINT, e -> e.getIn().setBody(notification));
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
        ObjectNode reference = exchange.getMessage().getBody(ObjectNode.class);
        assertNotNull(reference, "the route ends with the reference");
        return LOG.journal(notification, reference, CLOCK.instant());
    }

    private static String lastPathSegment(URI link) {
        String path = link.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
