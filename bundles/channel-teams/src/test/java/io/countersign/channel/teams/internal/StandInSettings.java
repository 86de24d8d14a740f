package io.countersign.channel.teams.internal;

import io.countersign.channel.teams.standin.BotConnectorStandIn;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/** Channel settings that point every endpoint at a stand-in. */
final class StandInSettings {

    static final String APP_ID = "6a0b9f52-1c1e-4c55-9d0c-3f1f6f0c0a11";
    static final String SECRET = "stand-in-client-secret";
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private StandInSettings() {
    }

    static TeamsSettings of(BotConnectorStandIn standIn) {
        return of(standIn, SECRET, Duration.ofSeconds(60));
    }

    static TeamsSettings of(BotConnectorStandIn standIn, String secret, Duration keyRefetchInterval) {
        return new TeamsSettings(standIn.appId(), secret, standIn.tenantId(), Set.of(), standIn.serviceUrl(),
                URI.create(standIn.tokenUrl()), BotConnectorStandIn.SCOPE, URI.create(standIn.openIdMetadataUrl()),
                BotConnectorStandIn.ISSUER, BotConnectorStandIn.CHANNEL_ID, "Countersign", Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofHours(24), keyRefetchInterval, 262_144);
    }
}
