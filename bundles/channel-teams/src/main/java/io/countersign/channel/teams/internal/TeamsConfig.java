package io.countersign.channel.teams.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Teams channel (PID {@value TeamsSettings#PID}), shared by its outbound and inbound side. */
@ObjectClassDefinition(name = "Countersign Microsoft Teams channel",
        description = "Adaptive Cards through the Bot Framework Bot Connector, and the invoke activities they cause")
public @interface TeamsConfig {

    @AttributeDefinition(description = "The bot's Microsoft App ID: the client id for tokens and the audience of "
            + "the Bot Framework's JWTs")
    String appId();

    /**
     * Property {@code .clientSecret}: the leading dot keeps it private to the component (configuration properties
     * are otherwise copied into the service properties, where anyone listing services would read it).
     */
    @AttributeDefinition(name = "Client secret", type = AttributeType.PASSWORD, description = "The bot's client "
            + "secret; set it from the environment (${env:...}), never from a file under version control")
    String _clientSecret();

    @AttributeDefinition(description = "The Entra tenant of the reviewers; sent when a 1:1 conversation is created")
    String tenantId();

    @AttributeDefinition(description = "Tenants whose clicks are accepted; empty means only tenantId")
    String[] allowedTenants() default {};

    @AttributeDefinition(description = "The Bot Connector service URL used for proactive messages")
    String serviceUrl() default "https://smba.trafficmanager.net/teams/";

    @AttributeDefinition(description = "OAuth 2.0 token endpoint for the client-credentials grant")
    String tokenUrl() default "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";

    @AttributeDefinition(description = "OAuth 2.0 scope requested for the Bot Connector")
    String tokenScope() default "https://api.botframework.com/.default";

    @AttributeDefinition(description = "OpenID metadata of the Bot Framework, whose jwks_uri lists the signing keys")
    String openIdMetadataUrl() default "https://login.botframework.com/v1/.well-known/openidconfiguration";

    @AttributeDefinition(description = "Required issuer (iss) of inbound JWTs")
    String issuer() default "https://api.botframework.com";

    @AttributeDefinition(description = "Required channelId of inbound activities; the signing key must endorse it")
    String channelId() default "msteams";

    @AttributeDefinition(description = "The bot's display name in conversations it creates")
    String botName() default "Countersign";

    @AttributeDefinition(description = "Connect timeout for calls to Microsoft, in seconds")
    int connectTimeoutSeconds() default 5;

    @AttributeDefinition(description = "Timeout of one call to Microsoft, in seconds")
    int requestTimeoutSeconds() default 10;

    @AttributeDefinition(description = "Clock skew allowed on exp and nbf of inbound JWTs, in seconds")
    int clockSkewSeconds() default 300;

    @AttributeDefinition(description = "How long fetched signing keys are used before they are fetched again, in "
            + "hours")
    int keyCacheHours() default 24;

    @AttributeDefinition(description = "Least time between two key fetches caused by an unknown key id, in seconds")
    int keyRefetchIntervalSeconds() default 60;

    @AttributeDefinition(description = "Largest accepted inbound activity in bytes")
    int maxBodyBytes() default 262_144;
}
