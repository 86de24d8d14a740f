package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.openqa.selenium.By;

/**
 * The console in a real browser, signed on through a real OpenID Connect provider (mock-oauth2-server in this JVM:
 * discovery, JWKS, authorization code with PKCE and nonce): the inbox updates by itself when an agent submits, a
 * reviewer approves, a denial needs a reason. Screenshots of the pages go to {@code itests/target/browser-screenshots/}.
 */
public class ConsoleIT {

    private static final String AGENT = "analytics-agent";
    private static final By APPROVE = By.cssSelector("button.approve");
    private static final By DENY = By.cssSelector("button.deny");
    private static final By COMMENT = By.id("comment");

    private static ConsoleInstallation installation;
    private static Distribution distribution;
    private static Credentials credentials;

    @Rule
    public final BrowserScreenshots browsers = new BrowserScreenshots();

    @BeforeClass
    public static void startWithTheConsole() throws Exception {
        installation = ConsoleInstallation.start("console", false);
        distribution = installation.distribution();
        credentials = installation.credentials();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (installation != null) {
            installation.close();
        }
    }

    @Test
    public void aReviewerSignsIn_theInboxUpdatesLive_andApprovingAndDenyingWork() throws Exception {
        ChromiumBrowser frank = browsers.keep(ChromiumBrowser.desktop());
        signIn(frank, "frank");
        assertEquals(frank.text(), "Waiting for you", frank.heading());
        assertTrue(frank.text(), frank.text().contains("Signed in as frank"));

        String first = submitPrivilegeChange("console-live");
        Poll.until("the new request to show in the open inbox", Duration.ofSeconds(10),
                () -> frank.has(By.cssSelector("a[href='/console/requests/" + first + "']")), frank::text);
        // the list is there now: the next event updates that one entry in place instead of fetching the list again
        String next = submitPrivilegeChange("console-live-entry");
        Poll.until("the next request to be put into the open inbox", Duration.ofSeconds(10),
                () -> frank.has(By.cssSelector("li[id='request-" + next + "'] a[href='/console/requests/" + next
                        + "']")), frank::text);
        frank.screenshot("console-inbox-desktop");
        assertEquals(List.of(), Accessibility.seriousViolations(frank));

        frank.click(By.cssSelector("a[href='/console/requests/" + first + "']"));
        assertTrue(frank.text(), frank.text().contains("changes privileges"));
        frank.screenshot("console-request-desktop");
        assertEquals(List.of(), Accessibility.seriousViolations(frank));
        frank.click(APPROVE);
        assertTrue(frank.text(), frank.text().contains("Your approval was recorded."));
        assertEquals("frank", request(first).path("votes").get(0).path("reviewer").asText());
        assertEquals("console", request(first).path("votes").get(0).path("channel").asText());
        frank.click(By.linkText("Change record"));
        assertTrue(frank.text(), frank.text().contains("frank") && frank.text().contains("console"));
        frank.screenshot("console-change-record-desktop");
        assertEquals(List.of(), Accessibility.seriousViolations(frank));

        String second = submitPrivilegeChange("console-deny");
        frank.open(URI.create(distribution.baseUrl() + "/console/requests/" + second));
        frank.click(DENY);
        assertTrue(frank.text(), frank.text().contains("A denial needs a reason"));
        assertEquals(0, request(second).path("votes").size());
        frank.typeAndClick(COMMENT, "no change ticket", DENY);
        assertTrue(frank.text(), frank.text().contains("Your denial was recorded."));
        assertEquals("no change ticket", request(second).path("votes").get(0).path("comment").asText());
    }

    @Test
    public void onAPhone_theConsoleFitsTheScreen() throws Exception {
        String id = submitPrivilegeChange("console-phone-" + "x".repeat(80));
        ChromiumBrowser phone = browsers.keep(ChromiumBrowser.phone(390, 844));
        signIn(phone, "dave");
        phone.screenshot("console-inbox-phone");
        assertEquals("the inbox scrolls sideways by this many CSS pixels", 0, phone.horizontalOverflow());
        phone.open(URI.create(distribution.baseUrl() + "/console/requests/" + id));
        phone.screenshot("console-request-phone");
        assertEquals(List.of(), Accessibility.seriousViolations(phone));
        assertEquals("the request page scrolls sideways by this many CSS pixels", 0, phone.horizontalOverflow());
    }

    @Test
    public void someoneWhoIsNoReviewer_cannotSignIn() throws Exception {
        ChromiumBrowser stranger = browsers.keep(ChromiumBrowser.desktop());
        installation.signIn(stranger, "mallory");
        assertEquals(stranger.text(), "Sign-in refused", stranger.heading());
        assertFalse(stranger.text(), stranger.text().contains("Signed in as"));
    }

    @Test
    public void theAccessibilityChecker_findsWhatItIsThereToFind() throws Exception {
        ChromiumBrowser browser = browsers.keep(ChromiumBrowser.desktop());
        String page = "<html><body><img src='x.png'><button></button></body></html>";
        browser.open(URI.create("data:text/html," + java.net.URLEncoder.encode(page,
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")));
        List<String> violations = Accessibility.seriousViolations(browser);
        assertTrue(violations.toString(), violations.stream().anyMatch(v -> v.startsWith("image-alt")));
        assertTrue(violations.toString(), violations.stream().anyMatch(v -> v.startsWith("button-name")));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void signIn(ChromiumBrowser browser, String reviewer) {
        installation.signIn(browser, reviewer);
    }

    /** Two security reviewers must approve; dave, erin and frank may. */
    private static String submitPrivilegeChange(String ticket) throws Exception {
        String id = installation.submit("privilege.escalate", "iam:role/console-admin",
                "{\"role\":\"admin\",\"ticket\":\"" + ticket + "-" + System.nanoTime() + "\"}");
        assertEquals("pending", request(id).path("status").asText());
        return id;
    }

    private static JsonNode request(String id) throws Exception {
        return installation.request(id);
    }
}
