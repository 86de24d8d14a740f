package io.countersign.channel.teams.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Verifies the JWT the Bot Connector sends with every activity, as Microsoft's "Authenticate requests from the Bot
 * Connector service to your bot" requires: RS256 as the OpenID metadata allows, a published key that endorses the
 * activity's channel, issuer, audience = our app id, exp/nbf with the clock skew, and a {@code serviceurl} claim
 * equal to the activity's serviceUrl. There is no switch to turn any of this off.
 */
final class BotJwtVerifier {

    static final String ALGORITHM = "RS256";
    /** Year 5138: far beyond any token, far within what an Instant holds. */
    private static final long MAX_EPOCH_SECONDS = 100_000_000_000L;

    private final TeamsSettings settings;
    private final OpenIdKeys keys;
    private final Clock clock;

    /** A token that passed every check, the key that verified it, and when it stops being valid. */
    record Verified(CompactJwt jwt, OpenIdKeys.SigningKey key, Instant expiresAt) {
    }

    BotJwtVerifier(TeamsSettings settings, OpenIdKeys keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    Verified verify(String token, String activityChannelId, String activityServiceUrl)
            throws JwtRejection, OpenIdKeys.KeysUnavailable {
        CompactJwt jwt = CompactJwt.parse(token);
        String alg = jwt.header().path("alg").asText("");
        if (!ALGORITHM.equals(alg)) {
            throw new JwtRejection("jwt-algorithm", "alg " + (alg.isEmpty() ? "(missing)" : alg)
                    + " is not accepted; only " + ALGORITHM);
        }
        if (jwt.header().has("crit")) {
            throw new JwtRejection("jwt-malformed", "the header names critical extensions, none is understood");
        }
        String kid = jwt.header().path("kid").asText("");
        if (kid.isEmpty()) {
            throw new JwtRejection("jwt-unknown-key", "the header names no key (kid)");
        }
        Optional<OpenIdKeys.SigningKey> found = keys.key(kid);
        if (!keys.algorithms().contains(ALGORITHM)) {
            throw new JwtRejection("jwt-algorithm", "the OpenID metadata does not list " + ALGORITHM
                    + " in id_token_signing_alg_values_supported");
        }
        if (found.isEmpty()) {
            throw new JwtRejection("jwt-unknown-key", "key " + kid + " is not among the published signing keys");
        }
        OpenIdKeys.SigningKey key = found.get();
        if (activityChannelId == null || !key.endorsements().contains(activityChannelId)) {
            throw new JwtRejection("jwt-endorsement", "key " + kid + " does not endorse channel "
                    + activityChannelId);
        }
        if (!signatureHolds(jwt, key)) {
            throw new JwtRejection("jwt-signature", "the signature does not verify with key " + kid);
        }
        JsonNode claims = jwt.claims();
        if (!settings.issuer().equals(claims.path("iss").asText(null))) {
            throw new JwtRejection("jwt-issuer", "iss is " + claims.path("iss") + ", not " + settings.issuer());
        }
        if (!hasAudience(claims.path("aud"))) {
            throw new JwtRejection("jwt-audience", "aud is " + claims.path("aud") + ", not this bot's app id");
        }
        Instant now = clock.instant();
        Duration skew = settings.clockSkew();
        Instant expiresAt = numericDate(claims, "exp", "jwt-expired");
        if (now.isAfter(expiresAt.plus(skew))) {
            throw new JwtRejection("jwt-expired", "the token expired at " + expiresAt + " (now " + now
                    + ", skew " + skew.toSeconds() + " s)");
        }
        if (claims.has("nbf")) {
            Instant notBefore = numericDate(claims, "nbf", "jwt-not-yet-valid");
            if (now.isBefore(notBefore.minus(skew))) {
                throw new JwtRejection("jwt-not-yet-valid", "the token is valid only from " + notBefore);
            }
        }
        // the SDKs name the claim "serviceurl"; Microsoft's prose says "serviceUrl": either, but one is required
        JsonNode serviceUrl = claims.has("serviceurl") ? claims.path("serviceurl") : claims.path("serviceUrl");
        if (!serviceUrl.isTextual() || !serviceUrl.asText().equals(activityServiceUrl)) {
            throw new JwtRejection("jwt-service-url", "the serviceurl claim " + serviceUrl
                    + " does not match the activity's serviceUrl " + activityServiceUrl);
        }
        return new Verified(jwt, key, expiresAt);
    }

    /** A NumericDate (RFC 7519 §2): seconds since the epoch, within a range an Instant can hold. */
    private static Instant numericDate(JsonNode claims, String name, String code) throws JwtRejection {
        JsonNode value = claims.path(name);
        if (!value.isNumber() || !value.canConvertToLong() || Math.abs(value.asLong()) > MAX_EPOCH_SECONDS) {
            throw new JwtRejection(code, "the token has no usable numeric " + name);
        }
        return Instant.ofEpochSecond(value.asLong());
    }

    private boolean hasAudience(JsonNode aud) {
        if (aud.isTextual()) {
            return aud.asText().equals(settings.appId());
        }
        if (aud.isArray()) {
            for (JsonNode one : aud) {
                if (one.isTextual() && one.asText().equals(settings.appId())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean signatureHolds(CompactJwt jwt, OpenIdKeys.SigningKey key) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key.publicKey());
            verifier.update(jwt.signingInput());
            return verifier.verify(jwt.signature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
