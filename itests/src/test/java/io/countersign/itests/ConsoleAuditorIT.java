package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The console's auditor views in a real browser, signed on through a real OpenID Connect provider: judy (group
 * {@code auditors}) searches requests, reads one without a form to decide it, downloads the evidence of her search
 * (which {@code countersign-verify} accepts, bundle by bundle) and reads the ledger's newest checkpoint; a reviewer who
 * is no auditor is refused those pages.
 */
public class ConsoleAuditorIT {

    private static final String AGENT = "analytics-agent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConsoleInstallation installation;
    private static Distribution distribution;
    private static Credentials credentials;

    @Rule
    public final BrowserScreenshots browsers = new BrowserScreenshots();

    @BeforeClass
    public static void startWithTheConsole() throws Exception {
        installation = ConsoleInstallation.start("console-auditor", false);
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
    public void anAuditorSearches_readsARequest_andTheEvidenceOfHerSearchVerifies() throws Exception {
        String approved = submitPrivilegeChange("audit-approved");
        for (String reviewer : List.of("dave", "erin")) {
            Api.Answer vote = distribution.api().post("/v1/actions/" + approved + "/reviews",
                    credentials.reviewerToken(reviewer), "{\"verdict\":\"approve\",\"comment\":\"ticket checked\"}");
            assertEquals(vote.raw(), 200, vote.status());
        }
        String pending = submitPrivilegeChange("audit-pending");

        ChromiumBrowser judy = browsers.keep(ChromiumBrowser.desktop());
        signIn(judy, "judy");
        judy.open(URI.create(distribution.baseUrl() + "/console/audit/requests"));
        assertEquals(judy.text(), "Search requests", judy.heading());
        judy.typeAndClick(By.id("search-agent"), AGENT, By.cssSelector("form.search button[type=submit]"));
        assertTrue(judy.text(), judy.has(By.cssSelector("a[href='/console/requests/" + approved + "']")));
        assertTrue(judy.text(), judy.has(By.cssSelector("a[href='/console/requests/" + pending + "']")));
        judy.screenshot("console-audit-search-desktop");
        assertEquals(List.of(), Accessibility.seriousViolations(judy));

        judy.click(By.cssSelector("a[href='/console/requests/" + pending + "']"));
        assertTrue(judy.text(), judy.text().contains("changes privileges"));
        assertFalse("an auditor reads; she does not decide", judy.has(By.cssSelector("button.approve")));
        judy.driver().navigate().back();

        Path downloads = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "auditor-downloads-");
        ((ChromeDriver) judy.driver()).executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                "downloadPath", downloads.toString()));
        judy.driver().findElement(By.xpath("//button[text()='Download the evidence of this search']")).click();
        Path zip = awaitDownload(downloads);

        List<String> found = verifyEachBundle(zip, downloads);
        assertTrue(found.toString(), found.contains(approved) && found.contains(pending));
        JsonNode search = JSON.readTree(member(zip, "search.json"));
        assertEquals("judy", search.path("exportedBy").asText());
        assertEquals(AGENT, search.path("search").path("agent").asText());
        List<String> listed = new ArrayList<>();
        search.path("requests").forEach(id -> listed.add(id.asText()));
        assertEquals("the bundles are exactly the requests the search found", listed, found);

        judy.open(URI.create(distribution.baseUrl() + "/console/audit/ledger"));
        assertEquals(judy.text(), "Ledger", judy.heading());
        assertTrue(judy.text(), judy.text().contains("Key id"));
        judy.screenshot("console-audit-ledger-desktop");
        assertEquals(List.of(), Accessibility.seriousViolations(judy));
    }

    @Test
    public void onAPhone_theAuditorPagesFitTheScreen() throws Exception {
        submitPrivilegeChange("audit-phone");
        ChromiumBrowser phone = browsers.keep(ChromiumBrowser.phone(390, 844));
        signIn(phone, "judy");
        phone.open(URI.create(distribution.baseUrl() + "/console/audit/requests?agent=" + AGENT));
        phone.screenshot("console-audit-search-phone");
        assertEquals(List.of(), Accessibility.seriousViolations(phone));
        assertEquals("the search page scrolls sideways by this many CSS pixels", 0, phone.horizontalOverflow());
        phone.open(URI.create(distribution.baseUrl() + "/console/audit/ledger"));
        phone.screenshot("console-audit-ledger-phone");
        assertEquals(List.of(), Accessibility.seriousViolations(phone));
        assertEquals("the ledger page scrolls sideways by this many CSS pixels", 0, phone.horizontalOverflow());
    }

    @Test
    public void aReviewerWhoIsNoAuditor_getsForbidden() throws Exception {
        ChromiumBrowser bob = browsers.keep(ChromiumBrowser.desktop());
        signIn(bob, "bob");
        bob.open(URI.create(distribution.baseUrl() + "/console/audit/requests"));
        assertEquals(bob.text(), "Auditors only", bob.heading());
        assertEquals(List.of(), Accessibility.seriousViolations(bob));
        String cookies = bob.driver().manage().getCookies().stream()
                .map(cookie -> cookie.getName() + "=" + cookie.getValue()).collect(Collectors.joining("; "));
        for (String page : List.of("/console/audit/requests", "/console/audit/ledger")) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(distribution.baseUrl() + page)).header("Cookie", cookies).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(page, 403, answer.statusCode());
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void signIn(ChromiumBrowser browser, String reviewer) {
        installation.signIn(browser, reviewer);
    }

    /** Two security reviewers must approve; dave, erin and frank may. */
    private static String submitPrivilegeChange(String ticket) throws Exception {
        return installation.submit("privilege.escalate", "iam:role/console-audit",
                "{\"role\":\"admin\",\"ticket\":\"" + ticket + "-" + System.nanoTime() + "\"}");
    }

    private static Path awaitDownload(Path downloads) throws Exception {
        Poll.until("the evidence download to finish", Duration.ofSeconds(30), () -> completeZip(downloads) != null,
                () -> listing(downloads));
        return completeZip(downloads);
    }

    private static Path completeZip(Path downloads) throws IOException {
        try (Stream<Path> files = Files.list(downloads)) {
            List<Path> all = files.toList();
            if (all.stream().anyMatch(file -> file.toString().endsWith(".crdownload"))) {
                return null;
            }
            return all.stream().filter(file -> file.getFileName().toString()
                    .startsWith("countersign-evidence-search-") && file.toString().endsWith(".zip"))
                    .findFirst().orElse(null);
        }
    }

    private static String listing(Path downloads) {
        try (Stream<Path> files = Files.list(downloads)) {
            return files.map(Path::toString).toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Runs the verifier on every request bundle in the download; returns their request ids in download order. */
    private static List<String> verifyEachBundle(Path zip, Path workDir) throws Exception {
        List<String> ids = new ArrayList<>();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream members = new ZipInputStream(in)) {
            for (ZipEntry entry = members.getNextEntry(); entry != null; entry = members.getNextEntry()) {
                String name = entry.getName();
                if (!name.startsWith("requests/")) {
                    continue;
                }
                String id = name.substring("requests/".length(), name.length() - ".zip".length());
                Path bundle = workDir.resolve("request-" + id + ".zip");
                Files.write(bundle, members.readAllBytes());
                Verifier.Outcome outcome = Verifier.run(bundle);
                assertEquals(name + ": " + outcome.output(), 0, outcome.exitCode());
                ids.add(id);
            }
        }
        return ids;
    }

    private static byte[] member(Path zip, String wanted) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream members = new ZipInputStream(in)) {
            for (ZipEntry entry = members.getNextEntry(); entry != null; entry = members.getNextEntry()) {
                if (entry.getName().equals(wanted)) {
                    return members.readAllBytes();
                }
            }
        }
        throw new AssertionError("no " + wanted + " in " + zip);
    }
}
