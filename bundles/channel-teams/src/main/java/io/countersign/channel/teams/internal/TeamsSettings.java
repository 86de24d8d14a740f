package io.countersign.channel.teams.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The validated configuration of the Teams channel. {@link #toString()} leaves the client secret out.
 *
 * @param allowedTenants lower-case tenant ids whose clicks are accepted
 */
record TeamsSettings(String appId, String clientSecret, String tenantId, Set<String> allowedTenants,
                     String serviceUrl, URI tokenUrl, String tokenScope, URI openIdMetadataUrl, String issuer,
                     String channelId, String botName, Duration connectTimeout, Duration requestTimeout,
                     Duration clockSkew, Duration keyCacheMaxAge, Duration keyRefetchInterval, int maxBodyBytes) {

    static final String PID = "io.countersign.channel.teams";

    TeamsSettings {
        required(appId, "appId");
        required(clientSecret, "clientSecret");
        required(tenantId, "tenantId");
        required(serviceUrl, "serviceUrl");
        required(tokenScope, "tokenScope");
        required(issuer, "issuer");
        required(channelId, "channelId");
        web(URI.create(serviceUrl), "serviceUrl");
        web(tokenUrl, "tokenUrl");
        web(openIdMetadataUrl, "openIdMetadataUrl");
        allowedTenants = allowedTenants.isEmpty() ? Set.of(tenantId.toLowerCase(Locale.ROOT))
                : allowedTenants.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
        }
    }

    static TeamsSettings from(TeamsConfig config) {
        Set<String> tenants = Arrays.stream(config.allowedTenants() == null ? new String[0] : config.allowedTenants())
                .map(String::trim).filter(t -> !t.isEmpty()).collect(Collectors.toSet());
        return new TeamsSettings(config.appId(), config._clientSecret(), config.tenantId(), tenants,
                config.serviceUrl(), URI.create(config.tokenUrl()), config.tokenScope(),
                URI.create(config.openIdMetadataUrl()), config.issuer(), config.channelId(), config.botName(),
                Duration.ofSeconds(config.connectTimeoutSeconds()), Duration.ofSeconds(config.requestTimeoutSeconds()),
                Duration.ofSeconds(config.clockSkewSeconds()), Duration.ofHours(config.keyCacheHours()),
                Duration.ofSeconds(config.keyRefetchIntervalSeconds()), config.maxBodyBytes());
    }

    boolean isAllowedTenant(String tenant) {
        return tenant != null && allowedTenants.contains(tenant.toLowerCase(Locale.ROOT));
    }

    /** The bot's account id in Teams conversations. */
    String botAccountId() {
        return "28:" + appId;
    }

    @Override
    public String toString() {
        return "TeamsSettings[appId=" + appId + ", tenantId=" + tenantId + ", allowedTenants=" + allowedTenants
                + ", serviceUrl=" + serviceUrl + ", tokenUrl=" + tokenUrl + ", openIdMetadataUrl=" + openIdMetadataUrl
                + ", issuer=" + issuer + ", channelId=" + channelId + ", clientSecret=(set)]";
    }

    private static void required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static void web(URI uri, String name) {
        String scheme = uri.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an http(s) URL, not " + uri);
        }
    }
}
