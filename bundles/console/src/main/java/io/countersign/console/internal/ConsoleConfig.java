package io.countersign.console.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Countersign console",
        description = "The reviewers' console under /console/, signed on through an OpenID Connect provider")
public @interface ConsoleConfig {

    @AttributeDefinition(description = "The console's public base URL as browsers reach it, e.g. "
            + "https://countersign.example.com; the redirect URI registered with the provider is this followed by /console/callback")
    String publicBaseUrl();

    @AttributeDefinition(description = "The OpenID Connect issuer; its discovery document is read from "
            + "<issuer>/.well-known/openid-configuration")
    String issuer();

    @AttributeDefinition(description = "The client id registered with the provider")
    String clientId();

    @AttributeDefinition(description = "The environment variable holding the client secret (never put the secret in "
            + "a file)")
    String clientSecretVariable() default "COUNTERSIGN_OIDC_CLIENT_SECRET";

    @AttributeDefinition(description = "The ID token claim whose value is a reviewer's email address in the directory")
    String emailClaim() default "email";

    @AttributeDefinition(description = "Minutes a session lasts without use")
    int sessionIdleMinutes() default 15;

    @AttributeDefinition(description = "Minutes a session lasts at most, used or not")
    int sessionMaxMinutes() default 480;

    @AttributeDefinition(description = "The directory group whose members may search every request, read any "
            + "request page (read-only unless they are also its reviewers), export evidence and see the ledger's "
            + "status")
    String auditorGroup() default ConsoleSettings.DEFAULT_AUDITOR_GROUP;
}
