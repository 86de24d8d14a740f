package io.countersign.channel.teams.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.json.JsonInputException;
import io.countersign.api.json.StrictJson;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bot Framework's signing keys: the OpenID metadata names the JWKS and the algorithms; both are cached for
 * {@code maxAge}. An unknown key id causes a new fetch, at most once per {@code refetchInterval}, so forged key ids
 * cannot make us hammer Microsoft.
 */
final class OpenIdKeys {

    private static final Logger LOG = LoggerFactory.getLogger(OpenIdKeys.class);
    private static final int MIN_RSA_BITS = 2048;
    /** With no key at all every click fails, so a failed first fetch is retried sooner than refetchInterval. */
    private static final Duration NO_KEYS_BACKOFF = Duration.ofSeconds(5);

    /** One published key, with the channels that endorse it and its JWK as published (for the record). */
    record SigningKey(String kid, RSAPublicKey publicKey, Set<String> endorsements, ObjectNode jwk) {
    }

    /** The keys cannot be had, and none are cached. */
    static final class KeysUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        KeysUnavailable(String message) {
            super(message);
        }
    }

    private final HttpClient http;
    private final URI metadataUrl;
    private final Duration requestTimeout;
    private final Duration maxAge;
    private final Duration refetchInterval;
    private final Clock clock;

    private Map<String, SigningKey> keys = Map.of();
    private List<String> algorithms = List.of();
    private Instant fetchedAt;
    private Instant lastAttempt;

    OpenIdKeys(HttpClient http, URI metadataUrl, Duration requestTimeout, Duration maxAge, Duration refetchInterval,
               Clock clock) {
        this.http = http;
        this.metadataUrl = metadataUrl;
        this.requestTimeout = requestTimeout;
        this.maxAge = maxAge;
        this.refetchInterval = refetchInterval;
        this.clock = clock;
    }

    /** The key with this id, fetching the keys again when the id is unknown (rate-limited). */
    synchronized Optional<SigningKey> key(String kid) throws KeysUnavailable {
        Instant now = clock.instant();
        boolean stale = fetchedAt == null || now.isAfter(fetchedAt.plus(maxAge));
        if ((stale || !keys.containsKey(kid)) && mayFetch(now)) {
            refresh(now);
        }
        if (keys.isEmpty()) {
            throw new KeysUnavailable("the Bot Framework signing keys could not be fetched from " + metadataUrl);
        }
        return Optional.ofNullable(keys.get(kid));
    }

    /** {@code id_token_signing_alg_values_supported} of the metadata last fetched. */
    synchronized List<String> algorithms() {
        return algorithms;
    }

    private boolean mayFetch(Instant now) {
        if (lastAttempt == null) {
            return true;
        }
        Duration wait = keys.isEmpty() && refetchInterval.compareTo(NO_KEYS_BACKOFF) > 0 ? NO_KEYS_BACKOFF
                : refetchInterval;
        return !now.isBefore(lastAttempt.plus(wait));
    }

    private void refresh(Instant now) {
        lastAttempt = now;
        try {
            JsonNode metadata = get(metadataUrl);
            URI jwksUri = jwksUri(metadata);
            List<String> algs = StrictJson.mapper().convertValue(
                    metadata.path("id_token_signing_alg_values_supported"),
                    StrictJson.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
            Map<String, SigningKey> fetched = parseKeys(get(jwksUri));
            if (fetched.isEmpty()) {
                throw new IOException("the JWKS at " + jwksUri + " holds no usable RSA key");
            }
            keys = Map.copyOf(fetched);
            algorithms = algs == null ? List.of() : List.copyOf(algs);
            fetchedAt = now;
            LOG.info("fetched {} Bot Framework signing keys from {}", keys.size(), jwksUri);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("could not fetch the Bot Framework signing keys ({}); {}", e.getMessage(),
                    keys.isEmpty() ? "none cached" : "keeping the " + keys.size() + " cached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI jwksUri(JsonNode metadata) throws IOException {
        String value = metadata.path("jwks_uri").asText("");
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IOException("jwks_uri is not a URL: " + value);
        }
        // https, or plain http only when the metadata itself was configured on plain http (a local stand-in)
        if (uri.getHost() == null || !("https".equals(uri.getScheme())
                || "http".equals(uri.getScheme()) && "http".equals(metadataUrl.getScheme()))) {
            throw new IOException("jwks_uri must be an https URL, not " + value);
        }
        return uri;
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered HTTP " + response.statusCode());
        }
        try {
            return StrictJson.parseObject(response.body());
        } catch (JsonInputException e) {
            throw new IOException(uri + " answered with unusable JSON: " + e.getMessage());
        }
    }

    private static Map<String, SigningKey> parseKeys(JsonNode jwks) {
        Map<String, SigningKey> parsed = new HashMap<>();
        for (JsonNode jwk : jwks.path("keys")) {
            try {
                SigningKey key = parseKey((ObjectNode) jwk);
                parsed.put(key.kid(), key);
            } catch (GeneralSecurityException | RuntimeException e) {
                LOG.debug("skipping an unusable JWK: {}", e.getMessage());
            }
        }
        return parsed;
    }

    private static SigningKey parseKey(ObjectNode jwk) throws GeneralSecurityException {
        String kid = jwk.path("kid").asText("");
        if (!jwk.path("kty").asText("").equals("RSA") || kid.isEmpty()) {
            throw new GeneralSecurityException("not an RSA key with a kid");
        }
        if (jwk.has("use") && !jwk.path("use").asText("").equals("sig")) {
            throw new GeneralSecurityException("key " + kid + " is not for signatures");
        }
        BigInteger modulus = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("n").asText("")));
        BigInteger exponent = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("e").asText("")));
        if (modulus.bitLength() < MIN_RSA_BITS || exponent.signum() <= 0) {
            throw new GeneralSecurityException("key " + kid + " is weaker than RSA-" + MIN_RSA_BITS);
        }
        RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(modulus, exponent));
        Set<String> endorsements = new HashSet<>();
        jwk.path("endorsements").forEach(e -> endorsements.add(e.asText()));
        return new SigningKey(kid, publicKey, Set.copyOf(endorsements), jwk.deepCopy());
    }
}
