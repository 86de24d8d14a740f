package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * §6.6 step-up: every approval of a request whose route requires step-up carries a WebAuthn assertion, and each
 * assertion in the bundle is re-checked against the {@code passkey.registered} entry of its credential: client data
 * (type {@code webauthn.get}, the challenge {@code SHA-256("countersign-step-up-v1\n" + request + "\n" + digest)},
 * the registered origin), authenticator data (SHA-256 of the registered RP ID, user present and verified, a counter
 * that moves on), and the signature over {@code authenticatorData || SHA-256(clientDataJSON)} with the registered
 * COSE key (ES256, RS256 or EdDSA), with plain JCA.
 * <p>
 * The entry pipeline hands it every well-formed entry in journal order, with the line parsed (on the pipeline's
 * pool) only when {@link #concerns} says it may concern step-up, so a bundle without step-up costs one byte search
 * per decision and vote. Lines the main checks found malformed are skipped here: they have failed already.
 */
final class StepUpChecks {
    static final String CHECK = "step-up";
    private static final String REGISTERED = "passkey.registered";
    private static final byte[] STEP_UP = "\"stepUp\"".getBytes(StandardCharsets.US_ASCII);
    /** Where the {@code U} is in {@link #STEP_UP}. */
    private static final int STEP_UP_ANCHOR = 5;
    private static final int FLAG_USER_PRESENT = 0x01;
    private static final int FLAG_USER_VERIFIED = 0x04;
    private static final long ES256 = -7;
    private static final long RS256 = -257;
    private static final long EDDSA = -8;
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
            0x21, 0x00};
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Passkey(long seq, String reviewer, String credentialId, byte[] coseKey, long algorithm,
                           String rpId, String origin, PublicKey key) {
    }

    private final Findings findings;
    private final boolean requestBundle;
    private final Map<String, Passkey> passkeys = new HashMap<>();
    private final Map<String, Long> counters = new HashMap<>();
    private final Set<String> stepUpRequests = new HashSet<>();
    private int assertionsVerified;

    StepUpChecks(Findings findings, boolean requestBundle) {
        this.findings = findings;
        this.requestBundle = requestBundle;
    }

    /** How many step-up assertions verified. */
    int assertionsVerified() {
        return assertionsVerified;
    }

    /**
     * Whether the line of this entry may concern step-up, so the pipeline parses it (on its pool): a registration,
     * or a decision or vote whose line names {@code stepUp}. Called for every line: a type comparison and, for
     * decisions and votes, one byte search.
     */
    static boolean concerns(Entry entry, byte[] bytes, int from, int to) {
        String type = entry.type();
        if (REGISTERED.equals(type)) {
            return true;
        }
        return ("policy.decided".equals(type) || "review.accepted".equals(type)) && contains(bytes, from, to, STEP_UP);
    }

    /** The next well-formed entry, in journal order, with its line parsed if {@link #concerns} said so. */
    void accept(Entry entry, JsonNode line) {
        String type = entry.type();
        if (line == null || !line.path("data").path("evidence").path("artifact").path("stepUp").isObject()) {
            if ("review.accepted".equals(type) && "approve".equals(entry.text(DataMember.VERDICT))
                    && stepUpRequests.contains(entry.request())) {
                fail(entry.request(), entry.seq(), "an approval of a request whose route requires step-up carries no"
                        + " passkey assertion");
                return;
            }
            if (line == null) {
                return;
            }
        }
        JsonNode data = line.path("data");
        if (!data.isObject()) {
            return;
        }
        long seq = entry.seq();
        switch (type) {
            case REGISTERED -> registered(seq, data);
            case "policy.decided" -> {
                if (data.path("route").path("stepUp").asBoolean(false)) {
                    stepUpRequests.add(data.path("request").asText());
                }
            }
            case "review.accepted" -> {
                if (data.path("evidence").path("artifact").path("stepUp").isObject()) {
                    accepted(seq, data);
                }
            }
            default -> {
                // with a JSON sink every line comes parsed; only these three concern step-up
            }
        }
    }

    private void registered(long seq, JsonNode data) {
        String credentialId = data.path("credentialId").asText();
        try {
            Passkey unparsed = new Passkey(seq, data.path("reviewer").asText(), credentialId,
                    Base64.getUrlDecoder().decode(data.path("publicKey").asText()), data.path("algorithm").asLong(),
                    data.path("rpId").asText(), data.path("origin").asText(), null);
            Passkey passkey = new Passkey(unparsed.seq(), unparsed.reviewer(), credentialId, unparsed.coseKey(),
                    unparsed.algorithm(), unparsed.rpId(), unparsed.origin(), publicKey(unparsed));
            Passkey earlier = passkeys.putIfAbsent(credentialId, passkey);
            if (earlier != null) {
                findings.add(Failure.atSeq(CHECK, seq, "credential " + credentialId + " was already registered at seq "
                        + earlier.seq()));
                return;
            }
            counters.put(credentialId, data.path("signCount").asLong(0));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            findings.add(Failure.atSeq(CHECK, seq, "passkey.registered of credential " + credentialId
                    + " has no usable public key: " + e.getMessage()));
        }
    }

    private void accepted(long seq, JsonNode data) {
        String request = data.path("request").asText();
        JsonNode assertion = data.path("evidence").path("artifact").path("stepUp");
        String credentialId = assertion.path("credentialId").asText();
        Passkey passkey = passkeys.get(credentialId);
        if (passkey == null) {
            String reason = "the assertion's passkey " + credentialId + " has no passkey.registered entry in the"
                    + " bundle";
            if (requestBundle) {
                fail(request, seq, reason);
            } else {
                findings.warn("seq " + seq + " (request " + request + "): " + reason
                        + "; export a range that includes it to re-check this step-up");
            }
            return;
        }
        String reviewer = data.path("reviewer").asText();
        if (!passkey.reviewer().equals(reviewer)) {
            fail(request, seq, "the assertion is by passkey " + credentialId + " of " + passkey.reviewer()
                    + ", not of the reviewer " + reviewer);
            return;
        }
        String problem = check(passkey, assertion, request, data.path("digest").asText());
        if (problem != null) {
            fail(request, seq, problem);
        } else {
            assertionsVerified++;
        }
    }

    /** What is wrong with the assertion, or null when it verifies. */
    private String check(Passkey passkey, JsonNode assertion, String request, String digest) {
        byte[] authenticatorData;
        byte[] clientData;
        byte[] signature;
        try {
            authenticatorData = Base64.getUrlDecoder().decode(assertion.path("authenticatorData").asText());
            clientData = Base64.getUrlDecoder().decode(assertion.path("clientDataJSON").asText());
            signature = Base64.getUrlDecoder().decode(assertion.path("signature").asText());
        } catch (IllegalArgumentException e) {
            return "the assertion is not base64url: " + e.getMessage();
        }
        JsonNode client;
        try {
            client = JSON.readTree(clientData);
        } catch (IOException e) {
            return "the assertion's client data is not JSON";
        }
        if (client == null || !"webauthn.get".equals(client.path("type").asText())) {
            return "the assertion's client data type is not webauthn.get";
        }
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(
                ("countersign-step-up-v1\n" + request + "\n" + digest).getBytes(StandardCharsets.UTF_8)));
        if (!challenge.equals(client.path("challenge").asText())) {
            return "the assertion's challenge is not the one of request " + request + " and digest " + digest;
        }
        if (client.path("crossOrigin").asBoolean(false)) {
            return "the assertion was made in a cross-origin frame";
        }
        if (!passkey.origin().equals(client.path("origin").asText())) {
            return "the assertion comes from origin " + client.path("origin").asText() + ", not the registered "
                    + passkey.origin();
        }
        if (authenticatorData.length < 37) {
            return "the assertion's authenticator data is shorter than 37 bytes";
        }
        if (!MessageDigest.isEqual(sha256(passkey.rpId().getBytes(StandardCharsets.UTF_8)),
                Arrays.copyOfRange(authenticatorData, 0, 32))) {
            return "the assertion's RP ID hash is not SHA-256 of the registered RP ID " + passkey.rpId();
        }
        int flags = authenticatorData[32] & 0xff;
        if ((flags & FLAG_USER_PRESENT) == 0 || (flags & FLAG_USER_VERIFIED) == 0) {
            return "the assertion's flags do not say user present and user verified";
        }
        try {
            Signature verifier = Signature.getInstance(signatureAlgorithm(passkey.algorithm()));
            verifier.initVerify(passkey.key());
            verifier.update(authenticatorData);
            verifier.update(sha256(clientData));
            if (!verifier.verify(signature)) {
                return "the assertion's signature does not verify with passkey " + passkey.credentialId()
                        + " (registered at seq " + passkey.seq() + ")";
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "the assertion's signature does not verify with passkey " + passkey.credentialId() + ": "
                    + e.getMessage();
        }
        long signCount = ((authenticatorData[33] & 0xffL) << 24) | ((authenticatorData[34] & 0xffL) << 16)
                | ((authenticatorData[35] & 0xffL) << 8) | (authenticatorData[36] & 0xffL);
        long last = counters.getOrDefault(passkey.credentialId(), 0L);
        if ((signCount != 0 || last != 0) && signCount <= last) {
            return "the passkey's signature counter " + signCount + " did not move on from " + last;
        }
        counters.put(passkey.credentialId(), signCount);
        return null;
    }

    private void fail(String request, long seq, String reason) {
        findings.add(Failure.atRequest(CHECK, request, seq, reason));
    }

    private static String signatureAlgorithm(long algorithm) {
        if (algorithm == ES256) {
            return "SHA256withECDSA";
        }
        if (algorithm == RS256) {
            return "SHA256withRSA";
        }
        if (algorithm == EDDSA) {
            return "Ed25519";
        }
        throw new IllegalArgumentException("COSE algorithm " + algorithm + " is not ES256, RS256 or EdDSA");
    }

    /** The COSE_Key (RFC 9052 §7) of a passkey as a JCA key: one CBOR map of integer labels. */
    private static PublicKey publicKey(Passkey passkey) throws GeneralSecurityException {
        Map<Long, Object> key = coseMap(passkey.coseKey());
        long kty = key.get(1L) instanceof Long value ? value : 0;
        signatureAlgorithm(passkey.algorithm());
        if (!(key.get(3L) instanceof Long alg) || alg != passkey.algorithm()) {
            throw new IllegalArgumentException("the COSE key's algorithm " + key.get(3L) + " is not the registered "
                    + passkey.algorithm());
        }
        if (kty == 2 && passkey.algorithm() == ES256 && Long.valueOf(1).equals(key.get(-1L))) {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            byte[] x = bytes(key, -2);
            byte[] y = bytes(key, -3);
            if (x.length != 32 || y.length != 32) {
                throw new IllegalArgumentException("a P-256 key's coordinates are 32 bytes each");
            }
            ECPoint point = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point,
                    parameters.getParameterSpec(ECParameterSpec.class)));
        }
        if (kty == 3 && passkey.algorithm() == RS256) {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, bytes(key, -1)),
                    new BigInteger(1, bytes(key, -2))));
        }
        if (kty == 1 && passkey.algorithm() == EDDSA && Long.valueOf(6).equals(key.get(-1L))) {
            byte[] x = bytes(key, -2);
            byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + x.length);
            System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        }
        throw new IllegalArgumentException("COSE key type " + kty + " with algorithm " + passkey.algorithm()
                + " is not a P-256, RSA or Ed25519 key");
    }

    private static byte[] bytes(Map<Long, Object> key, long label) {
        if (key.get(label) instanceof byte[] value) {
            return value;
        }
        throw new IllegalArgumentException("the COSE key has no byte string at label " + label);
    }

    /** Decodes the CBOR subset of a COSE_Key: a map of integers to integers, byte strings or text. */
    private static Map<Long, Object> coseMap(byte[] cbor) {
        int[] at = {0};
        int initial = next(cbor, at);
        if (initial >> 5 != 5) {
            throw new IllegalArgumentException("the COSE key is not a CBOR map");
        }
        long members = argument(cbor, at, initial);
        if (members > 32) {
            throw new IllegalArgumentException("the COSE key has more than 32 members");
        }
        Map<Long, Object> map = new HashMap<>();
        for (long i = 0; i < members; i++) {
            if (!(item(cbor, at) instanceof Long label)) {
                throw new IllegalArgumentException("the COSE key has a label that is not an integer");
            }
            map.put(label, item(cbor, at));
        }
        if (at[0] != cbor.length) {
            throw new IllegalArgumentException("the COSE key has bytes after its map");
        }
        return map;
    }

    private static Object item(byte[] cbor, int[] at) {
        int initial = next(cbor, at);
        long argument = argument(cbor, at, initial);
        switch (initial >> 5) {
            case 0:
                return argument;
            case 1:
                return -1 - argument;
            case 2:
            case 3:
                if (argument > cbor.length - at[0]) {
                    throw new IllegalArgumentException("the COSE key is truncated");
                }
                byte[] value = Arrays.copyOfRange(cbor, at[0], at[0] + (int) argument);
                at[0] += (int) argument;
                return (initial >> 5) == 2 ? value : new String(value, StandardCharsets.UTF_8);
            default:
                throw new IllegalArgumentException("the COSE key holds CBOR major type " + (initial >> 5));
        }
    }

    private static long argument(byte[] cbor, int[] at, int initial) {
        int info = initial & 0x1f;
        if (info < 24) {
            return info;
        }
        if (info > 27) {
            throw new IllegalArgumentException("the COSE key has an indefinite or reserved CBOR length");
        }
        long value = 0;
        for (int i = 0; i < 1 << (info - 24); i++) {
            value = (value << 8) | next(cbor, at);
        }
        if (value < 0) {
            throw new IllegalArgumentException("the COSE key has a number too large");
        }
        return value;
    }

    private static int next(byte[] cbor, int[] at) {
        if (at[0] >= cbor.length) {
            throw new IllegalArgumentException("the COSE key is truncated");
        }
        return cbor[at[0]++] & 0xff;
    }

    /**
     * Whether the line holds {@code "stepUp"}. Anchored on its {@code U}, rare in entry lines (hex digests and the
     * journal's names are lower case), rather than on the quote that starts every JSON string.
     */
    private static boolean contains(byte[] bytes, int from, int to, byte[] pattern) {
        int anchor = STEP_UP_ANCHOR;
        for (int i = from + anchor; i < to - (pattern.length - anchor - 1); i++) {
            if (bytes[i] == 'U' && Arrays.equals(bytes, i - anchor, i - anchor + pattern.length, pattern, 0,
                    pattern.length)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
