package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.openqa.selenium.By;

/**
 * The email review page in a real browser: the distribution runs with the email channel and a real SMTP server, the
 * review email is read from the reviewer's mailbox, and Chromium opens its link and clicks. Every check here failed in
 * a real browser while the HTTP-level tests passed (Origin: null from the page's referrer policy, one CSRF cookie for
 * all pages, a page wider than a phone). Screenshots of failures go to {@code itests/target/browser-screenshots/}.
 */
public class BrowserReviewIT {

    private static final String AGENT = "analytics-agent";
    private static final String DAVE = "dave@example.com";
    private static final String FRANK = "frank@example.com";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final By APPROVE = By.cssSelector("button.approve");
    private static final By DENY = By.cssSelector("button.deny");
    private static final By COMMENT = By.id("comment");

    private static Distribution distribution;
    private static MailServer mail;
    private static Credentials credentials;

    @Rule
    public final BrowserScreenshots browsers = new BrowserScreenshots();

    @BeforeClass
    public static void startWithTheEmailChannel() throws Exception {
        mail = new MailServer(freePort(), freePort());
        mail.start();
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "browser-");
        distribution = Distribution.unpack(dir.resolve("countersign"))
                .withEnvironment("COUNTERSIGN_FEATURES", "countersign-channel-email")
                .withEnvironment("COUNTERSIGN_SMTP_HOST", "127.0.0.1")
                .withEnvironment("COUNTERSIGN_SMTP_USERNAME", "")
                .withEnvironment("COUNTERSIGN_SMTP_PASSWORD", "");
        distribution.configure("io.countersign.channel.email", "smtpPort = " + mail.smtpPort(), "startTls = false",
                "startTlsRequired = false", "connectionTimeoutMillis = 2000");
        distribution.start();
        credentials = Credentials.read(distribution.data().resolve("demo-credentials.json"));
        awaitReviewPage();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (distribution != null) {
            distribution.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    @Test
    public void theFirstApproverClicksApproveInTheEmailedPage_theSecondToo_andTheRequestIsApproved() throws Exception {
        String id = submitPrivilegeChange("browser-approve");

        ChromiumBrowser frank = browsers.keep(ChromiumBrowser.desktop());
        frank.open(reviewLink(FRANK, id));
        assertEquals("Review request", frank.heading());
        assertTrue(frank.text(), frank.text().contains("privilege.escalate"));
        assertTrue(frank.text(), frank.text().contains(id));
        assertTrue(frank.text(), frank.text().contains("You are reviewing as frank (frank@example.com) for security."));
        assertTrue(frank.text(), frank.text().contains("changes privileges"));
        assertTrue(frank.text(), frank.text().matches("(?s).*Decide by .* UTC \\(in .*\\)\\..*"));
        frank.screenshot("review-page-desktop");
        assertEquals(List.of(), Accessibility.seriousViolations(frank));
        frank.click(APPROVE);
        assertEquals(frank.text(), "Your approval was recorded.", frank.heading());
        assertTrue(frank.text(), frank.text().contains("still waiting for other reviews"));

        ChromiumBrowser dave = browsers.keep(ChromiumBrowser.desktop());
        dave.open(reviewLink(DAVE, id));
        dave.click(APPROVE);
        assertEquals(dave.text(), "Your approval was recorded.", dave.heading());
        assertTrue(dave.text(), dave.text().contains("The request is now decided"));
        assertEquals("approved", request(id).path("status").asText());
    }

    @Test
    public void twoReviewLinksOpenInTwoTabs_areBothDecided() throws Exception {
        String first = submitPrivilegeChange("browser-tab-1");
        String second = submitPrivilegeChange("browser-tab-2");
        URI firstLink = reviewLink(FRANK, first);
        URI secondLink = reviewLink(FRANK, second);

        ChromiumBrowser frank = browsers.keep(ChromiumBrowser.desktop());
        frank.open(firstLink);
        String firstTab = frank.tab();
        String secondTab = frank.openInNewTab(secondLink);
        frank.switchTo(firstTab);
        frank.click(APPROVE);
        assertEquals(frank.text(), "Your approval was recorded.", frank.heading());

        frank.switchTo(secondTab);
        frank.typeAndClick(COMMENT, "not without a change ticket", DENY);
        assertEquals(frank.text(), "Deny this request?", frank.heading());
        assertTrue(frank.text(), frank.text().contains("not without a change ticket"));
        assertEquals("nothing is decided before the confirmation", 0, request(second).path("votes").size());
        frank.click(DENY);
        assertEquals(frank.text(), "Your denial was recorded.", frank.heading());
        assertEquals(1, request(first).path("votes").size());
        assertEquals("not without a change ticket",
                request(second).path("votes").get(0).path("comment").asText());
    }

    @Test
    public void onAPhone_thePageFitsTheScreenWidth() throws Exception {
        String id = submitPrivilegeChange("browser-phone-" + "x".repeat(120));

        ChromiumBrowser phone = browsers.keep(ChromiumBrowser.phone(390, 844));
        phone.open(reviewLink(FRANK, id));
        phone.screenshot("review-page-phone");
        assertEquals("the page scrolls sideways by this many CSS pixels", 0, phone.horizontalOverflow());
        phone.click(APPROVE);
        assertEquals(phone.text(), "Your approval was recorded.", phone.heading());
        assertEquals(0, phone.horizontalOverflow());
    }

    @Test
    public void aPageOpenedBeforeARestart_stillDecidesAfterIt() throws Exception {
        String id = submitPrivilegeChange("browser-restart");
        ChromiumBrowser frank = browsers.keep(ChromiumBrowser.desktop());
        frank.open(reviewLink(FRANK, id));

        distribution.stop();
        distribution.start();
        awaitReviewPage();

        frank.click(APPROVE);
        assertEquals(frank.text(), "Your approval was recorded.", frank.heading());
        assertEquals(1, request(id).path("votes").size());
        frank.open(reviewLink(FRANK, id));
        assertFalse("a used link offers no form", frank.has(APPROVE));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static URI reviewLink(String address, String requestId) throws Exception {
        return mail.awaitReviewMail(address, requestId, WAIT).reviewLink().orElseThrow();
    }

    /** Two security reviewers must approve; dave, erin and frank are asked, by email here. */
    private static String submitPrivilegeChange(String ticket) throws Exception {
        String action = Api.action("privilege.escalate", "iam:role/itest-admin", "production",
                "{\"role\":\"admin\",\"ticket\":\"" + ticket + "-" + System.nanoTime() + "\"}", "alice");
        Api.Answer answer = distribution.api().post("/v1/actions", credentials.agentKey(AGENT), action);
        assertEquals(answer.raw(), 201, answer.status());
        assertEquals(answer.raw(), "pending", answer.text("status"));
        return answer.text("id");
    }

    private static JsonNode request(String id) throws Exception {
        Api.Answer answer = distribution.api().get("/v1/actions/" + id, credentials.agentKey(AGENT));
        assertEquals(answer.raw(), 200, answer.status());
        return answer.body();
    }

    private static void awaitReviewPage() throws Exception {
        Poll.until("the email review page to be served", Duration.ofSeconds(90), () -> {
            List<String> served = new ArrayList<>();
            distribution.api().get("/health", null).body().path("routes").forEach(r -> served.add(r.asText()));
            return served.contains("/review");
        }, () -> distribution.api().get("/health", null).raw());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
