package io.countersign.itests;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * The distribution with the console (feature {@code countersign-console}), signed on through a real OpenID Connect
 * provider started beside it (mock-oauth2-server): what every console browser test starts from.
 */
final class ConsoleInstallation implements AutoCloseable {

    static final String AGENT = "analytics-agent";
    private static final String CLIENT = "countersign-console";

    private final MockOAuth2Server provider;
    private final Distribution distribution;
    private final Credentials credentials;
    private final String baseUrl;

    private ConsoleInstallation(MockOAuth2Server provider, Distribution distribution, Credentials credentials,
                                String baseUrl) {
        this.provider = provider;
        this.distribution = distribution;
        this.credentials = credentials;
        this.baseUrl = baseUrl;
    }

    /**
     * @param onLocalhost the console's public URL names {@code localhost} instead of 127.0.0.1: WebAuthn needs a
     *                    domain as RP ID (a loopback origin is a secure context either way)
     */
    static ConsoleInstallation start(String name, boolean onLocalhost) throws Exception {
        MockOAuth2Server provider = new MockOAuth2Server();
        provider.start();
        Distribution distribution = null;
        try {
            String issuer = provider.issuerUrl("default").toString().replaceAll("/$", "");
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), name + "-");
            distribution = Distribution.unpack(dir.resolve("countersign"))
                    .withEnvironment("COUNTERSIGN_FEATURES", "countersign-console")
                    .withEnvironment("COUNTERSIGN_OIDC_CLIENT_SECRET", "console-secret");
            String baseUrl = onLocalhost ? distribution.baseUrl().replace("127.0.0.1", "localhost")
                    : distribution.baseUrl();
            distribution.configure("io.countersign.console.web", "publicBaseUrl = " + baseUrl, "issuer = " + issuer,
                    "clientId = " + CLIENT);
            distribution.start();
            Credentials credentials = Credentials.read(distribution.data().resolve("demo-credentials.json"));
            Distribution started = distribution;
            Poll.until("the console to be served", Duration.ofSeconds(90), () -> {
                List<String> served = new ArrayList<>();
                started.api().get("/health", null).body().path("routes").forEach(r -> served.add(r.asText()));
                return served.contains("/console");
            }, () -> started.api().get("/health", null).raw());
            return new ConsoleInstallation(provider, distribution, credentials, baseUrl);
        } catch (Exception | AssertionError e) {
            if (distribution != null) {
                distribution.close();
            }
            provider.shutdown();
            throw e;
        }
    }

    Distribution distribution() {
        return distribution;
    }

    Credentials credentials() {
        return credentials;
    }

    /** The console's public base URL, as the browser reaches it. */
    String baseUrl() {
        return baseUrl;
    }

    /** Signs {@code reviewer} in (their directory email is {@code reviewer@example.com}) and opens the inbox. */
    void signIn(ChromiumBrowser browser, String reviewer) {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", reviewer + "-subject", "JWT",
                List.of(CLIENT), Map.of("email", reviewer + "@example.com"), 3600));
        browser.open(URI.create(baseUrl + "/console/"));
    }

    /** Submits an action for alice through {@link #AGENT}; returns the request id. */
    String submit(String action, String resource, String parameters) throws Exception {
        Api.Answer answer = distribution.api().post("/v1/actions", credentials.agentKey(AGENT),
                Api.action(action, resource, "production", parameters, "alice"));
        assertEquals(answer.raw(), 201, answer.status());
        return answer.text("id");
    }

    /** The request as its agent sees it. */
    JsonNode request(String id) throws Exception {
        Api.Answer answer = distribution.api().get("/v1/actions/" + id, credentials.agentKey(AGENT));
        assertEquals(answer.raw(), 200, answer.status());
        return answer.body();
    }

    @Override
    public void close() throws Exception {
        try {
            distribution.close();
        } finally {
            provider.shutdown();
        }
    }
}
