package io.countersign.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The relying party's side of OpenID Connect Core 1.0 for the authorization code flow with PKCE (RFC 7636): the
 * provider's discovery document and keys, the authorization request, the code exchange, and the ID token checks of
 * §3.1.3.7. Keys are read again when a token names a key id not seen yet (the provider rotated), at most every 30 s.
 */
final class OidcProvider {

    /** Why an ID token or a token response was not accepted; the message is for the log, never the page. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message);
        }
    }

    /** What the console keeps of a verified ID token. */
    record Identity(String issuer, String subject, String email, Instant authenticatedAt) {
    }

    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
    private static final Duration SKEW = Duration.ofSeconds(60);
    private static final Duration KEY_REFRESH_MIN_INTERVAL = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsoleSettings settings;
    private final HttpClient http;
    private final Clock clock;
    private volatile JsonNode discovery;
    private volatile JWKSet keys = new JWKSet();
    private volatile Instant keysReadAt = Instant.EPOCH;

    OidcProvider(ConsoleSettings settings, HttpClient http, Clock clock) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
    }

    /** Reads the discovery document: the issuer in it must be exactly the configured one (§4.3 of Discovery). */
    private JsonNode discovery() throws IOException, InterruptedException, Rejected {
        JsonNode known = discovery;
        if (known != null) {
            return known;
        }
        JsonNode document = getJson(URI.create(settings.issuer() + "/.well-known/openid-configuration"));
        if (!settings.issuer().toString().equals(document.path("issuer").asText())) {
            throw new Rejected("the discovery document names issuer " + document.path("issuer").asText()
                    + ", not " + settings.issuer());
        }
        discovery = document;
        return document;
    }

    /** Where to send the browser to sign in: the authorization endpoint with state, nonce and the S256 challenge. */
    /**
     * @param fresh ask the provider to authenticate the user again even within its own session ({@code prompt=login},
     *              {@code max_age=0}), for what needs a recent sign-in
     */
    URI authorizationRequest(String state, String nonce, String codeVerifier, boolean fresh)
            throws IOException, InterruptedException, Rejected {
        Map<String, String> parameters = new java.util.LinkedHashMap<>(Map.of("response_type", "code",
                "client_id", settings.clientId(), "redirect_uri", settings.redirectUri().toString(),
                "scope", "openid email profile", "state", state, "nonce", nonce,
                "code_challenge", Pkce.challenge(codeVerifier), "code_challenge_method", "S256"));
        if (fresh) {
            parameters.put("prompt", "login");
            parameters.put("max_age", "0");
        }
        StringJoiner query = new StringJoiner("&");
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            query.add(parameter.getKey() + "=" + URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
        }
        return URI.create(discovery().path("authorization_endpoint").asText() + "?" + query);
    }

    /** Exchanges the code for tokens and returns the verified identity of the ID token. */
    Identity redeem(String code, String codeVerifier, String expectedNonce)
            throws IOException, InterruptedException, Rejected {
        String form = "grant_type=authorization_code&code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)
                + "&redirect_uri=" + URLEncoder.encode(settings.redirectUri().toString(), StandardCharsets.UTF_8)
                + "&code_verifier=" + URLEncoder.encode(codeVerifier, StandardCharsets.UTF_8)
                + "&client_id=" + URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8);
        // client_secret_basic: each part form-encoded first (RFC 6749 §2.3.1)
        String credentials = URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(settings.clientSecret(), StandardCharsets.UTF_8);
        String basic = Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(discovery().path("token_endpoint").asText()))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new Rejected("the token endpoint answered " + response.statusCode());
        }
        JsonNode tokens = JSON.readTree(response.body());
        String idToken = tokens.path("id_token").asText(null);
        if (idToken == null) {
            throw new Rejected("the token response has no id_token");
        }
        return verify(idToken, expectedNonce);
    }

    /** The checks of OpenID Connect Core §3.1.3.7 on a signed ID token. */
    Identity verify(String idToken, String expectedNonce) throws IOException, InterruptedException, Rejected {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(idToken);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Rejected("the ID token is not a signed JWT: " + e.getMessage());
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(algorithm)) {
            throw new Rejected("the ID token is signed with " + algorithm + ", which is not accepted");
        }
        JWK key = key(jwt.getHeader().getKeyID());
        try {
            JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
                    : key instanceof ECKey ec ? new ECDSAVerifier(ec) : null;
            if (verifier == null || !verifier.supportedJWSAlgorithms().contains(algorithm) || !jwt.verify(verifier)) {
                throw new Rejected("the ID token's signature does not verify with key " + key.getKeyID());
            }
        } catch (JOSEException e) {
            throw new Rejected("the ID token's signature could not be checked: " + e.getMessage());
        }
        if (!settings.issuer().toString().equals(claims.getIssuer())) {
            throw new Rejected("the ID token's issuer is " + claims.getIssuer());
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(settings.clientId())) {
            throw new Rejected("the ID token is not for this client (aud " + audience + ")");
        }
        if (audience.size() > 1 && !settings.clientId().equals(claimText(claims, "azp"))) {
            throw new Rejected("the ID token has several audiences and azp is not this client");
        }
        Instant now = clock.instant();
        Date expires = claims.getExpirationTime();
        if (expires == null || !expires.toInstant().plus(SKEW).isAfter(now)) {
            throw new Rejected("the ID token expired at " + (expires == null ? "(no exp)" : expires.toInstant()));
        }
        Date issued = claims.getIssueTime();
        if (issued == null || issued.toInstant().isAfter(now.plus(SKEW))) {
            throw new Rejected("the ID token was issued in the future");
        }
        if (expectedNonce == null || !expectedNonce.equals(claimText(claims, "nonce"))) {
            throw new Rejected("the ID token's nonce is not the one this sign-in sent");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw new Rejected("the ID token has no subject");
        }
        Object authTime = claims.getClaim("auth_time");
        Instant authenticatedAt = authTime instanceof Date date ? date.toInstant()
                : authTime instanceof Number seconds ? Instant.ofEpochSecond(seconds.longValue()) : issued.toInstant();
        return new Identity(claims.getIssuer(), claims.getSubject(), claimText(claims, settings.emailClaim()),
                authenticatedAt);
    }

    private static String claimText(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String text ? text : null;
    }

    /** The provider's key with this id, reading the keys again (rate-limited) when it is not known: a rotation. */
    private JWK key(String keyId) throws IOException, InterruptedException, Rejected {
        JWK known = keyId == null ? null : keys.getKeyByKeyId(keyId);
        if (known != null) {
            return known;
        }
        Instant now = clock.instant();
        if (Duration.between(keysReadAt, now).compareTo(KEY_REFRESH_MIN_INTERVAL) >= 0) {
            try {
                keys = JWKSet.parse(getText(URI.create(discovery().path("jwks_uri").asText())));
            } catch (ParseException e) {
                throw new Rejected("the provider's JWKS could not be read: " + e.getMessage());
            }
            keysReadAt = now;
        }
        JWK found = keyId == null ? (keys.getKeys().size() == 1 ? keys.getKeys().get(0) : null)
                : keys.getKeyByKeyId(keyId);
        if (found == null) {
            throw new Rejected("the provider has no key " + keyId);
        }
        return found;
    }

    private JsonNode getJson(URI uri) throws IOException, InterruptedException, Rejected {
        return JSON.readTree(getText(uri));
    }

    private String getText(URI uri) throws IOException, InterruptedException, Rejected {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new Rejected(uri + " answered " + response.statusCode());
        }
        return response.body();
    }
}
