package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * §6.2: step-up votes are re-checked against their passkey's registration with real assertions, made here by a
 * software authenticator (a P-256 key, authenticator data and client data built as WebAuthn Level 2 says). The logs
 * are otherwise valid (chained, checkpointed, proven), so only the step-up check can catch what is wrong.
 */
class StepUpChecksTest {
    private static final String RP_ID = "console.example.com";
    private static final String ORIGIN = "https://console.example.com";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @TempDir
    Path dir;

    private final EvidenceFixture fixture = new EvidenceFixture();
    private final Authenticator bobs = new Authenticator("bob-key");
    private final Authenticator carols = new Authenticator("carol-key");

    /** A software passkey: an ES256 credential with a counter. */
    private static final class Authenticator {
        final String credentialId;
        final KeyPair keys;
        int signCount;

        Authenticator(String id) {
            credentialId = B64.encodeToString(id.getBytes(StandardCharsets.UTF_8));
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                keys = generator.generateKeyPair();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        Map<String, Object> registered(String reviewer) {
            ECPublicKey key = (ECPublicKey) keys.getPublic();
            ByteArrayOutputStream cose = new ByteArrayOutputStream();
            cose.writeBytes(new byte[] {(byte) 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20});
            cose.writeBytes(fixed32(key.getW().getAffineX()));
            cose.writeBytes(new byte[] {0x22, 0x58, 0x20});
            cose.writeBytes(fixed32(key.getW().getAffineY()));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("reviewer", reviewer);
            data.put("name", "laptop");
            data.put("credentialId", credentialId);
            data.put("publicKey", B64.encodeToString(cose.toByteArray()));
            data.put("algorithm", -7);
            data.put("aaguid", "00000000-0000-0000-0000-000000000000");
            data.put("rpId", RP_ID);
            data.put("origin", ORIGIN);
            data.put("signCount", 0);
            return data;
        }

        Map<String, Object> assertion(String request, String digest) throws Exception {
            byte[] challenge = sha256(("countersign-step-up-v1\n" + request + "\n" + digest)
                    .getBytes(StandardCharsets.UTF_8));
            ByteBuffer authenticatorData = ByteBuffer.allocate(37);
            authenticatorData.put(sha256(RP_ID.getBytes(StandardCharsets.UTF_8)));
            authenticatorData.put((byte) 0x05);
            authenticatorData.putInt(++signCount);
            byte[] clientData = ("{\"type\":\"webauthn.get\",\"challenge\":\"" + B64.encodeToString(challenge)
                    + "\",\"origin\":\"" + ORIGIN + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(authenticatorData.array());
            signer.update(sha256(clientData));
            Map<String, Object> stepUp = new LinkedHashMap<>();
            stepUp.put("credentialId", credentialId);
            stepUp.put("authenticatorData", B64.encodeToString(authenticatorData.array()));
            stepUp.put("clientDataJSON", B64.encodeToString(clientData));
            stepUp.put("signature", B64.encodeToString(signer.sign()));
            return stepUp;
        }

        private static byte[] fixed32(BigInteger value) {
            byte[] bytes = value.toByteArray();
            byte[] fixed = new byte[32];
            int length = Math.min(bytes.length, 32);
            System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
            return fixed;
        }
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    /** req-a reviewed on a step-up route, both approvals with an assertion of the approver's passkey. */
    private RequestScenario stepUpRequest() throws Exception {
        RequestScenario scenario = fixture.reviewedRequest("req-a");
        String digest = (String) scenario.data(EntryTypes.REQUEST_RECEIVED).get("digest");
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("quorums", List.of(Map.of("group", "security", "approvals", 2)));
        route.put("timeout", "PT1H");
        route.put("denialsToReject", 1);
        route.put("stepUp", true);
        scenario.data(EntryTypes.POLICY_DECIDED).put("route", route);
        withAssertion(scenario.data(EntryTypes.REVIEW_ACCEPTED, 0), bobs.assertion("req-a", digest));
        withAssertion(scenario.data(EntryTypes.REVIEW_ACCEPTED, 1), carols.assertion("req-a", digest));
        return scenario;
    }

    private static void withAssertion(Map<String, Object> review, Map<String, Object> stepUp) {
        review.put("channel", "console");
        review.put("evidence", Map.of("digestShown", review.get("digest"), "artifact", Map.of("stepUp", stepUp)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stepUpOf(Map<String, Object> review) {
        Map<String, Object> evidence = new LinkedHashMap<>((Map<String, Object>) review.get("evidence"));
        Map<String, Object> artifact = new LinkedHashMap<>((Map<String, Object>) evidence.get("artifact"));
        Map<String, Object> stepUp = new LinkedHashMap<>((Map<String, Object>) artifact.get("stepUp"));
        artifact.put("stepUp", stepUp);
        evidence.put("artifact", artifact);
        review.put("evidence", evidence);
        return stepUp;
    }

    /** Registrations at seqs 0 and 1, then req-a (seqs 2–9), all in one checkpoint, exported whole. */
    private VerifyRun verify(RequestScenario scenario, boolean registered) throws Exception {
        if (registered) {
            fixture.appendStep(new RequestScenario.Step("passkey.registered", bobs.registered("bob")));
            fixture.appendStep(new RequestScenario.Step("passkey.registered", carols.registered("carol")));
        }
        fixture.append(scenario);
        fixture.checkpoint();
        Instant first = fixture.log.entry(0).time();
        return VerifyRun.of(fixture.rangeBundle(first, fixture.log.lastTime()).write(dir));
    }

    @Test
    void realAssertionsOfRegisteredPasskeysVerify() throws Exception {
        VerifyRun run = verify(stepUpRequest(), true);

        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.out().contains("passkey"), run.toString());
    }

    @Test
    void anAlteredSignatureFailsNamingTheEntry() throws Exception {
        RequestScenario scenario = stepUpRequest();
        Map<String, Object> stepUp = stepUpOf(scenario.data(EntryTypes.REVIEW_ACCEPTED, 1));
        byte[] signature = Base64.getUrlDecoder().decode((String) stepUp.get("signature"));
        signature[signature.length - 1] ^= 0x01;
        stepUp.put("signature", B64.encodeToString(signature));

        VerifyRun run = verify(scenario, true);

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL step-up seq 5 (request req-a): the assertion's signature does not verify"
                + " with passkey " + carols.credentialId + " (registered at seq 1)"), run.failures());
    }

    @Test
    void anApprovalOfAStepUpRouteWithoutAnAssertionFails() throws Exception {
        RequestScenario scenario = stepUpRequest();
        scenario.data(EntryTypes.REVIEW_ACCEPTED, 0).remove("evidence");

        VerifyRun run = verify(scenario, true);

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL step-up seq 4 (request req-a): an approval of a request whose route"
                + " requires step-up carries no passkey assertion"), run.failures());
    }

    @Test
    void anAssertionOverAnotherRequestsChallengeFails() throws Exception {
        RequestScenario scenario = stepUpRequest();
        String digest = (String) scenario.data(EntryTypes.REQUEST_RECEIVED).get("digest");
        withAssertion(scenario.data(EntryTypes.REVIEW_ACCEPTED, 0), bobs.assertion("req-other", digest));

        VerifyRun run = verify(scenario, true);

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL step-up seq 4 (request req-a): the assertion's challenge is not the one of"
                + " request req-a"), run.failures());
    }

    @Test
    void anotherReviewersPasskeyFails() throws Exception {
        RequestScenario scenario = stepUpRequest();
        String digest = (String) scenario.data(EntryTypes.REQUEST_RECEIVED).get("digest");
        withAssertion(scenario.data(EntryTypes.REVIEW_ACCEPTED, 1), bobs.assertion("req-a", digest));

        VerifyRun run = verify(scenario, true);

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL step-up seq 5 (request req-a): the assertion is by passkey "
                + bobs.credentialId + " of bob, not of the reviewer carol"), run.failures());
    }

    @Test
    void aRangeWithoutTheRegistrationWarnsThatItCannotReCheck() throws Exception {
        VerifyRun run = verify(stepUpRequest(), false);

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("has no passkey.registered entry in the bundle"), run.toString());
    }
}
