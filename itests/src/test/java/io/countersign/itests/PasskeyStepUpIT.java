package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Passkey step-up bound to the action, in Chromium with its virtual authenticator (CTAP2, resident keys, user
 * verification): a security reviewer signs in through OpenID Connect and registers a passkey; an agent asks for
 * {@code iam.admin.grant}, whose route requires step-up; the reviewer's plain API approval is refused
 * ({@code step-up-required}); "Approve with passkey" approves it; the request's evidence bundle verifies offline
 * with the assertion re-checked, and a copy with one byte of the journaled signature altered fails.
 * <p>
 * WebAuthn needs a secure context and a domain as RP ID, so the console's public URL is {@code http://localhost:PORT}
 * (a loopback origin is secure), not 127.0.0.1.
 */
public class PasskeyStepUpIT {

    private static final String AGENT = "analytics-agent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConsoleInstallation installation;
    private static String console;
    private static Distribution distribution;
    private static Credentials credentials;

    @Rule
    public final BrowserScreenshots browsers = new BrowserScreenshots();

    @BeforeClass
    public static void startWithTheConsole() throws Exception {
        installation = ConsoleInstallation.start("passkey", true);
        distribution = installation.distribution();
        credentials = installation.credentials();
        console = installation.baseUrl();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (installation != null) {
            installation.close();
        }
    }

    @Test
    public void aStepUpApprovalNeedsThePasskey_andTheVerifierReChecksItsAssertion() throws Exception {
        ChromiumBrowser erin = browsers.keep(ChromiumBrowser.desktop());
        VirtualAuthenticator authenticator = passkeyDevice(erin);
        signIn(erin, "erin");

        String id = submitAdminGrant("first");
        erin.open(URI.create(console + "/console/requests/" + id));
        assertTrue(erin.text(), erin.text().contains("requires step-up"));
        erin.driver().findElement(By.id("passkey-approve")).click();
        Poll.until("the page to say that a passkey must be registered first", Duration.ofSeconds(10),
                () -> erin.text().contains("You have no passkey yet: add one"), erin::text);
        assertEquals("pending", request(id).path("status").asText());

        erin.open(URI.create(console + "/console/passkeys"));
        assertEquals(erin.text(), "Your passkeys", erin.heading());
        assertTrue(erin.text(), erin.text().contains("You have no passkey yet"));
        erin.typeAndClick(By.id("passkey-name"), "erin's laptop", By.id("passkey-add"));
        assertTrue(erin.text(), erin.text().contains("Your passkey \u201cerin's laptop\u201d was added."));
        assertTrue(erin.text(), erin.text().contains("erin's laptop"));
        assertEquals(1, authenticator.getCredentials().size());
        erin.screenshot("console-passkeys-desktop");
        assertEquals(List.of(), Accessibility.seriousViolations(erin));

        Api.Answer viaApi = distribution.api().post("/v1/actions/" + id + "/reviews",
                credentials.reviewerToken("erin"), "{\"verdict\":\"approve\"}");
        assertEquals(viaApi.raw(), 403, viaApi.status());
        assertEquals(viaApi.raw(), "step-up-required", viaApi.text("reason"));
        assertEquals("pending", request(id).path("status").asText());

        erin.open(URI.create(console + "/console/requests/" + id));
        showStepUp(erin);
        erin.screenshot("console-step-up-desktop");
        assertEquals(List.of(), Accessibility.seriousViolations(erin));
        erin.click(By.id("passkey-approve"));
        assertTrue(erin.text(), erin.text().contains("Your approval was recorded."));
        JsonNode approved = request(id);
        assertEquals(approved.toString(), "approved", approved.path("status").asText());
        assertEquals("console", approved.path("votes").get(0).path("channel").asText());

        Path bundle = download("/v1/evidence?request=" + id);
        Verifier.Outcome verified = Verifier.run(bundle);
        assertEquals(verified.output(), 0, verified.exitCode());
        assertTrue(verified.output(), verified.output().contains("VERIFIED"));

        AlteredSignature altered = alterSignature(bundle);
        Verifier.Outcome tampered = Verifier.run(altered.bundle());
        assertNotEquals(tampered.output(), 0, tampered.exitCode());
        assertTrue(tampered.output(), tampered.output().contains("NOT VERIFIED"));
        assertTrue(tampered.output(), tampered.output().contains("FAIL step-up seq " + altered.seq() + " (request "
                + id + "): the assertion's signature does not verify"));
    }

    @Test
    public void onAPhone_thePasskeyPagesFitTheScreen() throws Exception {
        ChromiumBrowser phone = browsers.keep(ChromiumBrowser.phone(390, 844));
        passkeyDevice(phone);
        signIn(phone, "frank");
        phone.open(URI.create(console + "/console/passkeys"));
        phone.typeAndClick(By.id("passkey-name"), "frank's phone", By.id("passkey-add"));
        assertTrue(phone.text(), phone.text().contains("frank's phone"));
        phone.screenshot("console-passkeys-phone");
        assertEquals(List.of(), Accessibility.seriousViolations(phone));
        assertEquals("the passkeys page scrolls sideways by this many CSS pixels", 0, phone.horizontalOverflow());

        String id = submitAdminGrant("phone");
        phone.open(URI.create(console + "/console/requests/" + id));
        showStepUp(phone);
        phone.screenshot("console-step-up-phone");
        assertEquals(List.of(), Accessibility.seriousViolations(phone));
        assertEquals("the request page scrolls sideways by this many CSS pixels", 0, phone.horizontalOverflow());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Chromium's virtual authenticator: a platform authenticator with resident keys that verifies its user. */
    private static VirtualAuthenticator passkeyDevice(ChromiumBrowser browser) {
        return ((HasVirtualAuthenticator) browser.driver()).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true)
                .setIsUserConsenting(true));
    }

    /** Scrolls the decision form into view, for the screenshot. */
    private static void showStepUp(ChromiumBrowser browser) {
        ((org.openqa.selenium.JavascriptExecutor) browser.driver())
                .executeScript("document.getElementById('step-up').scrollIntoView({block: 'center'});");
    }

    private static void signIn(ChromiumBrowser browser, String reviewer) {
        installation.signIn(browser, reviewer);
        assertTrue(browser.text(), browser.text().contains("Signed in as " + reviewer));
    }

    /** IAM administrator rights: one security reviewer, with a passkey (rules/privileges.drl). */
    private static String submitAdminGrant(String ticket) throws Exception {
        String id = installation.submit("iam.admin.grant", "iam:user/console-admin",
                "{\"ticket\":\"" + ticket + "-" + System.nanoTime() + "\"}");
        assertEquals("pending", request(id).path("status").asText());
        return id;
    }

    private static JsonNode request(String id) throws Exception {
        return installation.request(id);
    }

    private static Path download(String path) throws Exception {
        HttpResponse<byte[]> response = distribution.api().download(path, credentials.reviewerToken("erin"));
        assertEquals(new String(response.body(), StandardCharsets.UTF_8), 200, response.statusCode());
        Path file = Files.createTempFile(Path.of("target").toAbsolutePath(), "step-up-evidence", ".zip");
        return Files.write(file, response.body());
    }

    private record AlteredSignature(Path bundle, long seq) {
    }

    /** A copy of the bundle with the last byte of the step-up vote's journaled signature flipped. */
    private static AlteredSignature alterSignature(Path bundle) throws Exception {
        Path copy = Files.createTempFile(Path.of("target").toAbsolutePath(), "step-up-altered", ".zip");
        long seq = -1;
        try (ZipFile zip = new ZipFile(bundle.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (Enumeration<? extends ZipEntry> members = zip.entries(); members.hasMoreElements(); ) {
                ZipEntry member = members.nextElement();
                byte[] content;
                try (InputStream in = zip.getInputStream(member)) {
                    content = in.readAllBytes();
                }
                if (member.getName().equals("entries.jsonl")) {
                    StringBuilder lines = new StringBuilder();
                    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
                        JsonNode entry = JSON.readTree(line);
                        JsonNode stepUp = entry.path("data").path("evidence").path("artifact").path("stepUp");
                        if (entry.path("type").asText().equals("review.accepted") && stepUp.isObject()) {
                            String signature = stepUp.path("signature").asText();
                            byte[] bytes = Base64.getUrlDecoder().decode(signature);
                            bytes[bytes.length - 1] ^= 0x01;
                            line = line.replace(signature, Base64.getUrlEncoder().withoutPadding()
                                    .encodeToString(bytes));
                            seq = entry.path("seq").asLong();
                        }
                        lines.append(line).append('\n');
                    }
                    content = lines.toString().getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(member.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        assertTrue("the bundle holds a step-up vote", seq >= 0);
        return new AlteredSignature(copy, seq);
    }
}
