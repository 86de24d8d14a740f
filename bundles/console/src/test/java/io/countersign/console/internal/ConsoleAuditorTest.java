package io.countersign.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.Checkpoint;
import io.countersign.api.LedgerAnchoring;
import io.countersign.api.RequestStatus;
import io.countersign.api.Reviewer;
import io.countersign.api.testing.InMemoryDirectory;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The auditor's pages through a real OpenID Connect sign-in: search, read-only request pages, export, ledger. */
class ConsoleAuditorTest {

    private static final String CLIENT = "countersign-console";
    private static final Reviewer JUDY = new Reviewer("judy", Set.of("auditors"), Map.of("email", "judy@example.com"));
    private static final Reviewer BOB = new Reviewer("bob", Set.of("security"), Map.of("email", "bob@example.com"));
    private static final Checkpoint CHECKPOINT = new Checkpoint("countersign.test/1", 12, new byte[32],
            Instant.parse("2026-11-02T09:30:00Z"), "countersign.test/1+0a1b2c3d", "countersign.test/1\n12\nAAAA\n");

    private final MockOAuth2Server provider = new MockOAuth2Server();
    private final AuditFixture fixture = new AuditFixture(Instant.now().minus(Duration.ofDays(1)));
    private final ListedEvidence evidence = new ListedEvidence();
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
        ConsoleSettings settings = new ConsoleSettings(URI.create(base), URI.create(provider.issuerUrl("default")
                .toString().replaceAll("/$", "")), CLIENT, "secret", "email", Duration.ofMinutes(15),
                Duration.ofHours(8));
        console = new ConsoleRoute(fixture.approvals, new InMemoryDirectory(JUDY, BOB),
                new AuditTrail(fixture.journal, new FixedCheckpoints(CHECKPOINT), evidence), settings,
                HttpClient.newHttpClient(), Clock.systemUTC());
        host = new JettyHost(port).serve("/console", console);
        fixture.request("analytics-agent", "alice", "data.export", "production", RequestStatus.APPROVED, "bob");
        fixture.request("ops-agent", "dave", "db.migrate", "production", RequestStatus.DENIED, "erin");
        fixture.request("analytics-agent", "alice", "data.export", "staging", RequestStatus.PENDING, null);
        evidence.known.addAll(List.of("req-0", "req-1", "req-2"));
    }

    @AfterEach
    void stop() throws Exception {
        console.deactivate();
        host.close();
        provider.shutdown();
    }

    @Test
    void anAuditorSearches_readsARequestWithoutAForm_andSeesTheLedger() throws Exception {
        ConsoleBrowser judy = signedIn("judy@example.com");

        ConsoleBrowser.Page results = judy.get("/console/audit/requests?agent=analytics-agent");
        assertEquals(200, results.status(), results.body());
        assertTrue(results.body().contains("href=\"/console/requests/req-2\""), results.body());
        assertTrue(results.body().contains("href=\"/console/requests/req-0\""), results.body());
        assertFalse(results.body().contains("req-1"), "the other agent's request is filtered out");
        assertTrue(results.body().indexOf("req-2") < results.body().indexOf("req-0"), "the newest first");

        ConsoleBrowser.Page pending = judy.get("/console/requests/req-2");
        assertEquals(200, pending.status(), pending.body());
        assertFalse(pending.body().contains("/review\""), "an auditor reads; she does not decide");

        ConsoleBrowser.Page ledger = judy.get("/console/audit/ledger");
        assertEquals(200, ledger.status(), ledger.body());
        assertTrue(ledger.body().contains("countersign.test/1+0a1b2c3d"), ledger.body());
        assertTrue(ledger.body().contains("00".repeat(32)), "the root in hex: " + ledger.body());
        assertTrue(ledger.body().contains("Anchoring is not configured"), ledger.body());
    }

    @Test
    void whileAnchoringRuns_theLedgerPageShowsItsStatus() throws Exception {
        ConsoleBrowser judy = signedIn("judy@example.com");
        LedgerAnchoring anchoring = () -> JsonNodeFactory.instance.objectNode().put("state", "anchoring")
                .put("anchoredSize", 10).put("journalSize", 12).put("backlog", 2).put("lastTxId", "tx-41")
                .putNull("lastBlock").put("lastError", "peer unreachable <again>");
        console.setAnchoring(anchoring);

        String page = judy.get("/console/audit/ledger").body();

        assertTrue(page.contains("<td>anchoring</td>"), page);
        assertTrue(page.contains("<td>tx-41</td>"), page);
        assertTrue(page.contains("<td>not known yet</td>"), page);
        assertTrue(page.contains("peer unreachable &lt;again&gt;"), page);
        console.unsetAnchoring(anchoring);
        assertTrue(judy.get("/console/audit/ledger").body().contains("Anchoring is not configured"));
    }

    @Test
    void theExportHoldsTheSearch_andOneBundlePerRequestFound() throws Exception {
        ConsoleBrowser judy = signedIn("judy@example.com");
        String csrf = hidden(judy.get("/console/audit/requests?environment=production").body(), "csrf");

        HttpResponse<byte[]> download = postForBytes(judy, Map.of("csrf", csrf, "environment", "production"));

        assertEquals(200, download.statusCode());
        assertEquals("application/zip", download.headers().firstValue("Content-Type").orElse(""));
        Map<String, byte[]> members = unzip(download.body());
        assertEquals(List.of("search.json", "requests/req-1.zip", "requests/req-0.zip"), List.copyOf(members.keySet()));
        JsonNode search = new ObjectMapper().readTree(members.get("search.json"));
        assertEquals(SearchExport.FORMAT, search.path("format").asText());
        assertEquals("judy", search.path("exportedBy").asText());
        assertEquals("production", search.path("search").path("environment").asText());
        assertEquals("[\"req-1\",\"req-0\"]", search.path("requests").toString());
        assertEquals("bundle of req-1", new String(members.get("requests/req-1.zip"), StandardCharsets.UTF_8));
        var exported = fixture.journal.read(0, 1000).stream()
                .filter(entry -> entry.type().equals(AuditorViews.EXPORTED)).toList();
        assertEquals(1, exported.size(), "the export is journaled");
        assertEquals("judy", exported.get(0).data().path("auditor").asText());
        assertEquals("[\"req-1\",\"req-0\"]", exported.get(0).data().path("requests").toString());
    }

    @Test
    void anExportTheJournalCannotRecord_exportsNothing() throws Exception {
        ConsoleBrowser judy = signedIn("judy@example.com");
        String csrf = hidden(judy.get("/console/audit/requests?environment=production").body(), "csrf");
        fixture.journal.failing = true;

        HttpResponse<byte[]> refused = postForBytes(judy, Map.of("csrf", csrf, "environment", "production"));

        assertEquals(503, refused.statusCode());
        assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("Nothing was exported"));
        assertTrue(evidence.written.isEmpty());
    }

    @Test
    void anExportWithoutTheToken_exportsNothing() throws Exception {
        ConsoleBrowser judy = signedIn("judy@example.com");

        ConsoleBrowser.Page refused = judy.post("/console/audit/evidence", Map.of("environment", "production"));

        assertEquals(403, refused.status());
        assertTrue(evidence.written.isEmpty());
    }

    @Test
    void aReviewerWhoIsNoAuditor_isRefusedEveryAuditorPage() throws Exception {
        ConsoleBrowser bob = signedIn("bob@example.com");
        String csrf = hidden(bob.get("/console/").body(), "csrf");

        assertEquals(403, bob.get("/console/audit/requests").status());
        assertEquals(403, bob.get("/console/audit/ledger").status());
        assertEquals(403, bob.post("/console/audit/evidence", Map.of("csrf", csrf)).status());
        assertEquals(404, bob.get("/console/requests/req-1").status(), "not his group's request");
        assertFalse(bob.get("/console/").body().contains("/console/audit/"), "no link to what he may not open");
        assertTrue(evidence.written.isEmpty());
    }

    @Test
    void theChangeRecord_isMadeFromTheRequestsEntries_forWhoeverMaySeeTheRequest() throws Exception {
        ConsoleBrowser judy = signedIn("judy@example.com");
        String hash = fixture.journal.read(approvals().journalSeqs("req-0").get(0), 1).get(0).hash();

        ConsoleBrowser.Page page = judy.get("/console/requests/req-0/record");
        ConsoleBrowser.Page json = judy.get("/console/requests/req-0/record.json");

        assertEquals(200, page.status(), page.body());
        assertTrue(page.body().contains("analytics-agent"), page.body());
        assertTrue(page.body().contains(hash), "each fact names its entry: " + page.body());
        assertEquals(200, json.status(), json.body());
        JsonNode record = new ObjectMapper().readTree(json.body());
        assertEquals("req-0", record.path("request").asText(), json.body());
        assertTrue(json.body().contains(hash), json.body());

        ConsoleBrowser bob = signedIn("bob@example.com");
        assertEquals(404, bob.get("/console/requests/req-1/record").status(), "not his group's request");
        assertEquals(404, judy.get("/console/requests/req-9/record").status(), "no such request");
    }

    private ConsoleApprovals approvals() {
        return fixture.approvals;
    }

    @Test
    void anInvalidSearch_saysWhatIsWrong() throws Exception {
        ConsoleBrowser judy = signedIn("judy@example.com");

        ConsoleBrowser.Page outcome = judy.get("/console/audit/requests?outcome=maybe");
        ConsoleBrowser.Page window = judy.get("/console/audit/requests?from=2026-11-03T00:00&to=2026-11-02T00:00");
        ConsoleBrowser.Page time = judy.get("/console/audit/requests?from=yesterday");

        assertEquals(400, outcome.status());
        assertTrue(outcome.body().contains("The outcome must be one of"), outcome.body());
        assertEquals(400, window.status());
        assertTrue(window.body().contains("before its start"), window.body());
        assertEquals(400, time.status());
        assertTrue(time.body().contains("must be a UTC time"), time.body());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private ConsoleBrowser signedIn(String email) throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(base);
        String subject = email.substring(0, email.indexOf('@')) + "-subject";
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", List.of(CLIENT),
                Map.of("email", email), 3600));
        ConsoleBrowser.Page toProvider = browser.get("/console/login");
        ConsoleBrowser.Page withCode = browser.follow(toProvider.location());
        ConsoleBrowser.Page back = browser.follow(withCode.location());
        assertEquals(303, back.status(), back.body());
        return browser;
    }

    private HttpResponse<byte[]> postForBytes(ConsoleBrowser browser, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&").append(name).append('=')
                .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/console/audit/evidence"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
                .header("Cookie", browser.cookieHeader(base))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> members = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                members.put(entry.getName(), in.readAllBytes());
            }
        }
        return members;
    }

    private static String hidden(String body, String name) {
        Matcher matcher = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(body);
        assertTrue(matcher.find(), "no " + name + " in " + body);
        return matcher.group(1);
    }
}
