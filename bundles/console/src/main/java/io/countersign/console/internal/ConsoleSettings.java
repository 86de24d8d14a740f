package io.countersign.console.internal;

import java.net.URI;
import java.time.Duration;

/** The console's configuration, checked. */
record ConsoleSettings(URI publicBaseUrl, URI issuer, String clientId, String clientSecret, String emailClaim,
                       Duration sessionIdle, Duration sessionMax, String auditorGroup) {

    static final String DEFAULT_AUDITOR_GROUP = "auditors";

    ConsoleSettings {
        if (publicBaseUrl == null || issuer == null || clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("publicBaseUrl, issuer and clientId are required");
        }
        if (!publicBaseUrl.getScheme().equals("https") && !isLoopback(publicBaseUrl)) {
            throw new IllegalArgumentException("publicBaseUrl must be https (plain http only on a loopback address)");
        }
        if (auditorGroup == null || auditorGroup.isBlank()) {
            throw new IllegalArgumentException("auditorGroup must name a group");
        }
    }

    ConsoleSettings(URI publicBaseUrl, URI issuer, String clientId, String clientSecret, String emailClaim,
                    Duration sessionIdle, Duration sessionMax) {
        this(publicBaseUrl, issuer, clientId, clientSecret, emailClaim, sessionIdle, sessionMax,
                DEFAULT_AUDITOR_GROUP);
    }

    static ConsoleSettings from(ConsoleConfig config) {
        String secret = System.getenv(config.clientSecretVariable());
        return new ConsoleSettings(URI.create(stripSlash(config.publicBaseUrl())),
                URI.create(stripSlash(config.issuer())),
                config.clientId(), secret == null ? "" : secret, config.emailClaim(),
                Duration.ofMinutes(config.sessionIdleMinutes()), Duration.ofMinutes(config.sessionMaxMinutes()),
                config.auditorGroup());
    }

    /** Cookies are {@code Secure} and {@code __Host-} prefixed unless the console is served over loopback http. */
    boolean secureCookies() {
        return publicBaseUrl.getScheme().equals("https");
    }

    URI redirectUri() {
        return URI.create(publicBaseUrl + "/console/callback");
    }

    String origin() {
        return publicBaseUrl.getScheme() + "://" + publicBaseUrl.getAuthority();
    }

    private static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
    }

    private static String stripSlash(String value) {
        return value != null && value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
