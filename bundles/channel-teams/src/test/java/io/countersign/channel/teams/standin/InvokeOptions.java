package io.countersign.channel.teams.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * How {@link BotConnectorStandIn#invoke} deviates from what the Bot Framework sends. {@link #valid()} deviates in
 * nothing; every other method returns a copy with one deviation added.
 *
 * @param audience        the {@code aud} claim, {@code null} for the bot's app id
 * @param issuer          the {@code iss} claim, {@code null} for {@value BotConnectorStandIn#ISSUER}
 * @param expiredAgo      when set, {@code exp} lies this far in the past
 * @param signingKey      which of the stand-in's keys signs
 * @param serviceUrlClaim the {@code serviceurl} claim, {@code null} for the activity's serviceUrl
 * @param tenantId        the tenant in the activity, {@code null} for the stand-in's tenant
 * @param activityId      the activity id, {@code null} for a fresh one
 * @param noToken         send no Authorization header at all
 * @param unsignedAlgNone an unsigned token with {@code alg: none}
 * @param tamperedAfterSigning sign, then change a claim (the signature no longer holds)
 * @param displayName     {@code from.name}, which must not matter
 * @param data            the action's {@code data}, {@code null} to take it from the card
 */
public record InvokeOptions(String audience, String issuer, Duration expiredAgo, SigningKey signingKey,
                            String serviceUrlClaim, String tenantId, String activityId, boolean noToken,
                            boolean unsignedAlgNone, boolean tamperedAfterSigning, String displayName,
                            ObjectNode data) {

    /** The keys the stand-in can sign with. */
    public enum SigningKey {
        /** Published in the JWKS, endorsed for {@code msteams}. */
        PUBLISHED,
        /** Published in the JWKS, but endorsed only for {@code webchat}. */
        PUBLISHED_NOT_ENDORSED,
        /** Not in the JWKS at all. */
        UNPUBLISHED
    }

    public static InvokeOptions valid() {
        return new InvokeOptions(null, null, null, SigningKey.PUBLISHED, null, null, null, false, false, false,
                "Reviewer", null);
    }

    public InvokeOptions audience(String value) {
        return new InvokeOptions(value, issuer, expiredAgo, signingKey, serviceUrlClaim, tenantId, activityId,
                noToken, unsignedAlgNone, tamperedAfterSigning, displayName, data);
    }

    public InvokeOptions wrongAudience() {
        return audience("00000000-0000-0000-0000-00000000beef");
    }

    public InvokeOptions issuer(String value) {
        return new InvokeOptions(audience, value, expiredAgo, signingKey, serviceUrlClaim, tenantId, activityId,
                noToken, unsignedAlgNone, tamperedAfterSigning, displayName, data);
    }

    public InvokeOptions expiredAgo(Duration value) {
        return new InvokeOptions(audience, issuer, value, signingKey, serviceUrlClaim, tenantId, activityId,
                noToken, unsignedAlgNone, tamperedAfterSigning, displayName, data);
    }

    public InvokeOptions signedWith(SigningKey value) {
        return new InvokeOptions(audience, issuer, expiredAgo, value, serviceUrlClaim, tenantId, activityId,
                noToken, unsignedAlgNone, tamperedAfterSigning, displayName, data);
    }

    public InvokeOptions unknownKey() {
        return signedWith(SigningKey.UNPUBLISHED);
    }

    public InvokeOptions serviceUrlClaim(String value) {
        return new InvokeOptions(audience, issuer, expiredAgo, signingKey, value, tenantId, activityId,
                noToken, unsignedAlgNone, tamperedAfterSigning, displayName, data);
    }

    public InvokeOptions wrongServiceUrl() {
        return serviceUrlClaim("https://smba.trafficmanager.net/emea/");
    }

    public InvokeOptions tenant(String value) {
        return new InvokeOptions(audience, issuer, expiredAgo, signingKey, serviceUrlClaim, value, activityId,
                noToken, unsignedAlgNone, tamperedAfterSigning, displayName, data);
    }

    public InvokeOptions activityId(String value) {
        return new InvokeOptions(audience, issuer, expiredAgo, signingKey, serviceUrlClaim, tenantId, value,
                noToken, unsignedAlgNone, tamperedAfterSigning, displayName, data);
    }

    public InvokeOptions withoutToken() {
        return new InvokeOptions(audience, issuer, expiredAgo, signingKey, serviceUrlClaim, tenantId, activityId,
                true, unsignedAlgNone, tamperedAfterSigning, displayName, data);
    }

    public InvokeOptions algNone() {
        return new InvokeOptions(audience, issuer, expiredAgo, signingKey, serviceUrlClaim, tenantId, activityId,
                noToken, true, tamperedAfterSigning, displayName, data);
    }

    public InvokeOptions tamperedPayload() {
        return new InvokeOptions(audience, issuer, expiredAgo, signingKey, serviceUrlClaim, tenantId, activityId,
                noToken, unsignedAlgNone, true, displayName, data);
    }

    public InvokeOptions displayName(String value) {
        return new InvokeOptions(audience, issuer, expiredAgo, signingKey, serviceUrlClaim, tenantId, activityId,
                noToken, unsignedAlgNone, tamperedAfterSigning, value, data);
    }

    public InvokeOptions data(ObjectNode value) {
        return new InvokeOptions(audience, issuer, expiredAgo, signingKey, serviceUrlClaim, tenantId, activityId,
                noToken, unsignedAlgNone, tamperedAfterSigning, displayName, value);
    }
}
